package org.harvestsed.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's axis numbers and first/last-fifth summary. */
class ReportTest {
  @Test
  void axisNumbersAreShortAndExact() {
    assertThat(Report.human(0)).isEqualTo("0");
    assertThat(Report.human(512)).isEqualTo("512");
    assertThat(Report.human(64_000)).isEqualTo("64k");
    assertThat(Report.human(65_536)).isEqualTo("65.5k");
    assertThat(Report.human(1_200_000)).isEqualTo("1.2M");
    assertThat(Report.human(2_048)).isEqualTo("2.05k");
    assertThat(Report.human(0.25)).isEqualTo("0.25");
    assertThat(Report.human(3e9)).isEqualTo("3G");
  }

  @Test
  void firstAndLastFifthAreMeansOfTheirPoints() {
    List<double[]> s = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) s.add(new double[] {i, i});
    assertThat(Report.firstAndLastFifth(s)).containsExactly(0.5, 8.5);
  }

  @Test
  void smoothingIsADebiasedExponentialAverage() {
    assertThat(Report.smooth(new double[] {2, 2, 2})).containsExactly(2, 2, 2);
    double[] s = Report.smooth(new double[] {0, 10});
    assertThat(s[0]).isEqualTo(0);
    assertThat(s[1]).isCloseTo(10 * 0.1 / (0.1 + 0.09), org.assertj.core.api.Assertions.within(1e-9));
  }
}
