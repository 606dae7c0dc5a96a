package org.harvestsed.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.harvestsed.engine.sim.Phase;
import org.junit.jupiter.api.Test;

/** docs/RULES.md section 3 names the step's phases as the engine has them: {@code Phase.values()}, in order. */
class RulesPhaseListTest {
  static String section3() throws Exception {
    String rules = Files.readString(Path.of("../docs/RULES.md"));
    int start = rules.indexOf("## 3. ");
    int end = rules.indexOf("\n## 4. ", start);
    assertThat(start).as("docs/RULES.md has a section 3").isNotNegative();
    return rules.substring(start, end);
  }

  @Test
  void theListedPhasesArePhaseValuesInOrder() throws Exception {
    Matcher m = Pattern.compile("The phases, in order: ([^(]*)\\(").matcher(section3());
    assertThat(m.find()).as("section 3's line 'The phases, in order: ...'").isTrue();
    List<String> listed = Arrays.stream(m.group(1).replace("\n", " ").split(",")).map(String::trim).toList();
    assertThat(listed).containsExactlyElementsOf(Arrays.stream(Phase.values()).map(p -> p.javaMethod).toList());
  }

  @Test
  void everyPhaseIsInBoldInTheRulesAndEveryBoldNameIsAPhase() throws Exception {
    Matcher m = Pattern.compile("\\*\\*([A-Za-z]+)\\*\\*").matcher(section3());
    List<String> bold = new ArrayList<>();
    while (m.find()) bold.add(m.group(1));
    assertThat(new TreeSet<>(bold)).isEqualTo(new TreeSet<>(Arrays.stream(Phase.values()).map(p -> p.javaMethod).toList()));
  }
}
