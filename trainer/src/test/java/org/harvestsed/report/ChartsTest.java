package org.harvestsed.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

class ChartsTest {
  @TempDir Path dir;

  @Test
  void savesAPngOfTheHouseSizeAndLeavesNoTemporaryFile() throws Exception {
    XYChart c = Charts.xy("t", "x", "y");
    Charts.line(c, "a", new double[] {0, 1}, new double[] {1, 2}, null);
    Path png = dir.resolve("a.png");
    assertThat(Charts.save(c, png)).isTrue();
    BufferedImage img = ImageIO.read(png.toFile());
    assertThat(img.getWidth()).isEqualTo(Charts.WIDTH);
    assertThat(img.getHeight()).isEqualTo(Charts.HEIGHT);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("a.png");
    }
  }

  @Test
  void aChartWithoutSeriesWritesNothing() throws Exception {
    assertThat(Charts.save(Charts.scatter("t", "x", "y"), dir.resolve("none.png"))).isFalse();
    assertThat(Charts.save(Charts.category("t", "x", "y"), dir.resolve("none.png"))).isFalse();
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void aMissingHalfWidthDrawsNoErrorBar() {
    XYChart c = Charts.xy("t", "x", "y");
    XYSeries s = Charts.withIntervals(c, "m", new double[] {1, 2}, new double[] {3, 4}, new double[] {Double.NaN, 0.5});
    assertThat(s.getExtraValues()).containsExactly(0, 0.5);
    assertThat(s.getYData()).containsExactly(3, 4);
  }
}
