package org.harvestsed.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.map.GameMap;
import org.harvestsed.engine.map.Generated;
import org.harvestsed.engine.map.Presets;
import org.harvestsed.engine.state.Layout;
import org.junit.jupiter.api.Test;

/** Map presets (docs/RULES.md section 1), the generated preset, and the regrowth neighbourhood. */
class PresetsTest {
  /** Melting Pot's commons_harvest_open map (docs/RULES.md section 1), verbatim. */
  static final List<String> GAME_MD_OPEN = List.of(
      "WWWWWWWWWWWWWWWWWWWWWWWW",
      "WAAA    A      A    AAAW",
      "WAA    AAA    AAA    AAW",
      "WA    AAAAA  AAAAA    AW",
      "W      AAA    AAA      W",
      "W       A      A       W",
      "W  A                A  W",
      "W AAA  Q        Q  AAA W",
      "WAAAAA            AAAAAW",
      "W AAA              AAA W",
      "W  A                A  W",
      "W                      W",
      "W                      W",
      "W                      W",
      "W  PPPPPPPPPPPPPPPPPP  W",
      "W PPPPPPPPPPPPPPPPPPPP W",
      "WPPPPPPPPPPPPPPPPPPPPPPW",
      "WWWWWWWWWWWWWWWWWWWWWWWW");

  static long count(List<String> rows, String chars) {
    return rows.stream().flatMapToInt(String::chars).filter(ch -> chars.indexOf(ch) >= 0).count();
  }

  static GameMap open() {
    return Presets.byName("commons_harvest_open");
  }

  static GameMap ssd() {
    return Presets.byName("ssd_harvest");
  }

  // ---- presets ----

  @Test
  void commonsHarvestOpenIs18x24With64ApplesAnd62SpawnPoints() {
    GameMap m = open();
    assertThat(m.rows).isEqualTo(18);
    assertThat(m.cols).isEqualTo(24);
    assertThat(m.appleSiteCount()).isEqualTo(64).isEqualTo(count(GAME_MD_OPEN, "A"));
    assertThat(m.spawnCount()).isEqualTo(62).isEqualTo(count(GAME_MD_OPEN, "PQ"));
  }

  @Test
  void commonsHarvestOpenIsGameMdsMapCellForCell() {
    List<String> expected = GAME_MD_OPEN.stream().map(r -> r.replace('Q', 'P')).toList();
    assertThat(open().toAscii()).containsExactlyElementsOf(expected);
  }

  @Test
  void ssdHarvestIs16x38With155ApplesAnd20SpawnPoints() {
    GameMap m = ssd();
    assertThat(m.rows).isEqualTo(16);
    assertThat(m.cols).isEqualTo(38);
    assertThat(m.appleSiteCount()).isEqualTo(155);
    assertThat(m.spawnCount()).isEqualTo(20);
  }

  @Test
  void unknownPresetNameGivesNull() {
    assertThat(Presets.byName("generated")).isNull();
    assertThat(Presets.byName("nope")).isNull();
  }

  @Test
  void everyAppleSiteOfEveryPresetIsInsideTheWalls() {
    for (GameMap m : allMaps()) {
      assertThat(hasWallsAllAround(m)).as(m.name + " walls").isTrue();
      for (int r = 0; r < m.rows; r++) {
        for (int c = 0; c < m.cols; c++) {
          if (m.cell(r, c) == GameMap.APPLE) {
            assertThat(r).as(m.name + " site row").isBetween(1, m.rows - 2);
            assertThat(c).as(m.name + " site col").isBetween(1, m.cols - 2);
          }
        }
      }
      assertThat(m.appleSiteCount()).as(m.name + " sites").isPositive();
    }
  }

  @Test
  void everySpawnPointIsAFloorCell() {
    for (GameMap m : allMaps()) {
      for (int s : m.spawnPoints()) {
        assertThat(m.cell(s / m.cols, s % m.cols)).as(m.name + " spawn " + s).isEqualTo(GameMap.EMPTY);
      }
    }
  }

  static List<GameMap> allMaps() {
    List<GameMap> maps = new ArrayList<>(List.of(open(), ssd()));
    maps.add(Generated.build(0, 0, 50, Generated.DEFAULT_DENSITY, 3));
    maps.add(Generated.build(20, 45, 7, 0.3, 11));
    return maps;
  }

  // ---- regrowth neighbourhood ----

  /** The neighbourhood's (dr, dc) offsets, recovered from the padded index deltas. */
  static List<List<Integer>> offsets(String yaml) {
    Layout l = new Layout(Config.parse(yaml, "test").env());
    List<List<Integer>> out = new ArrayList<>();
    for (int d : l.neighbourhood) {
      int dr = Math.round((float) d / l.pw);
      out.add(List.of(dr, d - dr * l.pw));
    }
    return out;
  }

  @Test
  void radiusSq4NeighbourhoodIsTheTwelveCellsWithinDistanceTwo() {
    List<List<Integer>> o = offsets("env: {regrowth: {radius_sq: 4}}\n");
    assertThat(o).hasSize(12).containsExactlyInAnyOrder(
        List.of(-2, 0),
        List.of(-1, -1), List.of(-1, 0), List.of(-1, 1),
        List.of(0, -2), List.of(0, -1), List.of(0, 1), List.of(0, 2),
        List.of(1, -1), List.of(1, 0), List.of(1, 1),
        List.of(2, 0));
  }

  @Test
  void radiusSq2NeighbourhoodIsTheEightSurroundingCells() {
    List<List<Integer>> o = offsets("env: {map: ssd_harvest}\n"); // ssd_harvest defaults to radius_sq 2
    assertThat(o).hasSize(8).containsExactlyInAnyOrder(
        List.of(-1, -1), List.of(-1, 0), List.of(-1, 1),
        List.of(0, -1), List.of(0, 1),
        List.of(1, -1), List.of(1, 0), List.of(1, 1));
  }

  // ---- generated ----

  @Test
  void generated7000PlayersAutoSizedBuildsWithTheRequestedDensity() {
    EnvSpec s = Config.parse("""
        env:
          map: generated
          players: 7000
          generated: {rows: 0, cols: 0, density: 0.2, seed: 5}
        """, "test").env();
    GameMap m = s.map();
    assertThat(m.rows).isEqualTo(Generated.autoSide(7000));
    assertThat(m.spawnCount()).isGreaterThanOrEqualTo(7000);
    assertThat(hasWallsAllAround(m)).isTrue();
    double density = (double) m.appleSiteCount() / ((m.rows - 2) * (m.cols - 2));
    assertThat(density).isCloseTo(0.2, org.assertj.core.api.Assertions.within(0.01));
  }

  @Test
  void generatedAutoSizeGivesEachPlayerAtLeastTheDefaultMapsFloorArea() {
    GameMap m = Generated.build(0, 0, 7000, Generated.DEFAULT_DENSITY, 1);
    assertThat((double) (m.rows - 2) * (m.cols - 2) / 7000).isGreaterThanOrEqualTo(352.0 / 7.0);
  }

  @Test
  void generatedSameSeedGivesTheSameMap() {
    GameMap a = Generated.build(40, 60, 20, 0.2, 42);
    GameMap b = Generated.build(40, 60, 20, 0.2, 42);
    assertThat(a.cells()).isEqualTo(b.cells());
    assertThat(a.spawnPoints()).isEqualTo(b.spawnPoints());
  }

  @Test
  void generatedOtherSeedGivesAnotherMap() {
    GameMap a = Generated.build(40, 60, 20, 0.2, 42);
    GameMap b = Generated.build(40, 60, 20, 0.2, 43);
    GameMap c = Generated.build(40, 60, 20, 0.2, 42L + (1L << 32)); // the seed's high word counts too
    assertThat(a.cells()).isNotEqualTo(b.cells());
    assertThat(a.cells()).isNotEqualTo(c.cells());
  }

  static boolean hasWallsAllAround(GameMap m) {
    for (int r = 0; r < m.rows; r++) {
      if (m.cell(r, 0) != GameMap.WALL || m.cell(r, m.cols - 1) != GameMap.WALL) return false;
    }
    for (int c = 0; c < m.cols; c++) {
      if (m.cell(0, c) != GameMap.WALL || m.cell(m.rows - 1, c) != GameMap.WALL) return false;
    }
    return true;
  }
}
