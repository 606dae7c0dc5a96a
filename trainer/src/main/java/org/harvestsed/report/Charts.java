package org.harvestsed.report;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.harvestsed.engine.io.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The one chart helper of every PNG the project writes (a run's report, an evaluation, a sweep's
 * summary, the scale command): one size and style, series with 95% intervals as error bars, plain
 * lines, and an atomic save that writes nothing for a chart without series.
 */
public final class Charts {
  private Charts() {}

  public static final int WIDTH = 900;
  public static final int HEIGHT = 520;

  /** An XY chart in the house style: the legend below the plot. */
  public static XYChart xy(String title, String x, String y) {
    XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y).build();
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS).setMarkerSize(5);
    return c;
  }

  /** {@link #xy} drawn as points, one per (x, y) pair. */
  public static XYChart scatter(String title, String x, String y) {
    XYChart c = xy(title, x, y);
    c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    return c;
  }

  /** A category chart in the house style. */
  public static CategoryChart category(String title, String x, String y) {
    CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y).build();
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS).setMarkerSize(8);
    return c;
  }

  /** Means with error bars of the given half-widths (a NaN half-width, as one seed gives, draws none). */
  public static XYSeries withIntervals(XYChart c, String name, double[] x, double[] mean, double[] halfWidth) {
    double[] hw = new double[halfWidth.length];
    for (int i = 0; i < hw.length; i++) hw[i] = Double.isNaN(halfWidth[i]) ? 0 : halfWidth[i];
    return c.addSeries(name, x, mean, hw);
  }

  /** A line without markers, in {@code color} unless it is null. */
  public static XYSeries line(XYChart c, String name, double[] x, double[] y, Color color) {
    XYSeries s = c.addSeries(name, x, y);
    s.setMarker(SeriesMarkers.NONE);
    if (color != null) s.setLineColor(color);
    return s;
  }

  /**
   * Saves a chart as PNG atomically (a reader never sees half a file), or writes nothing when the
   * chart has no series; says whether it wrote. XChart appends ".png" to a name without it, so the
   * temporary name ends in .png.
   */
  public static boolean save(Chart<?, ?> c, Path png) throws IOException {
    if (c.getSeriesMap().isEmpty()) return false;
    Path tmp = Files.createTempFile(png.toAbsolutePath().getParent(), ".plot", ".png");
    try {
      BitmapEncoder.saveBitmap(c, tmp.toString(), BitmapEncoder.BitmapFormat.PNG);
      AtomicFiles.commit(tmp, png);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return true;
  }
}
