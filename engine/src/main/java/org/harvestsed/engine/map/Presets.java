package org.harvestsed.engine.map;

import java.util.List;

/**
 * Map presets as data. {@code commons_harvest_open}: Melting Pot's commons_harvest__open map,
 * the environment of "Social Environment Design" (Zhang et al. 2024), 18 x 24, 64 apples.
 * {@code ssd_harvest}: HARVEST_MAP of the Sequential Social Dilemma games
 * (github.com/eugenevinitsky/sequential_social_dilemma_games, social_dilemmas/maps.py), 16 x 38.
 * The {@code generated} preset is built by {@link Generated} from its parameters.
 */
public final class Presets {
  private Presets() {}

  public static final List<String> NAMES = List.of("commons_harvest_open", "ssd_harvest", "generated");

  static final List<String> COMMONS_HARVEST_OPEN = List.of(
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

  static final List<String> SSD_HARVEST = List.of(
      "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
      "@ P   P      A    P AAAAA    P  A P  @",
      "@  P     A P AA    P    AAA    A  A  @",
      "@     A AAA  AAA    A    A AA AAAA   @",
      "@ A  AAA A    A  A AAA  A  A   A A   @",
      "@AAA  A A    A  AAA A  AAA        A P@",
      "@ A A  AAA  AAA  A A    A AA   AA AA @",
      "@  A A  AAA    A A  AAA    AAA  A    @",
      "@   AAA  A      AAA  A    AAAA       @",
      "@ P  A       A  A AAA    A  A      P @",
      "@A  AAA  A  A  AAA A    AAAA     P   @",
      "@    A A   AAA  A A      A AA   A  P @",
      "@     AAA   A A  AAA      AA   AAA P @",
      "@ A    A     AAA  A  P          A    @",
      "@       P     A         P  P P     P @",
      "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@");

  /** The preset named {@code name}, or null (generated maps need parameters: see {@link Generated}). */
  public static GameMap byName(String name) {
    return switch (name) {
      case "commons_harvest_open" -> GameMap.parse(name, COMMONS_HARVEST_OPEN);
      case "ssd_harvest" -> GameMap.parse(name, SSD_HARVEST);
      default -> null;
    };
  }
}
