package org.harvestsed.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.harvestsed.engine.rng.Philox;
import org.harvestsed.engine.rng.Purpose;
import org.harvestsed.engine.rng.Rng;
import org.junit.jupiter.api.Test;

/** Philox4x32-10 against the published known-answer vectors (Random123, tests/kat_vectors). */
class PhiloxTest {
  @Test
  void knownAnswerAllZeros() {
    assertThat(Philox.block(0, 0, 0, 0, 0, 0)).containsExactly(0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8);
  }

  @Test
  void knownAnswerAllOnes() {
    assertThat(Philox.block(-1, -1, -1, -1, -1, -1)).containsExactly(0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd);
  }

  @Test
  void knownAnswerDigitsOfPi() {
    assertThat(Philox.block(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0))
        .containsExactly(0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1);
  }

  @Test
  void singleWordAgreesWithBlock() {
    int[] b = Philox.block(7, 11, 13, 17, 19, 23);
    for (int w = 0; w < 4; w++) assertThat(Philox.word(7, 11, 13, 17, 19, 23, w)).isEqualTo(b[w]);
  }

  @Test
  void uniformIsTheTop24BitsTimes2ToTheMinus24() {
    assertThat(Philox.uniform(0)).isEqualTo(0f);
    assertThat(Philox.uniform(0xFFFFFFFF)).isEqualTo(16777215f / 16777216f);
    assertThat(Philox.uniform(0x80000000)).isEqualTo(0.5f);
    assertThat(Philox.uniform(0x000000FF)).isEqualTo(0f);
  }

  @Test
  void belowIsMultiplyShiftAndStaysInRange() {
    assertThat(Philox.below(0, 7)).isEqualTo(0);
    assertThat(Philox.below(0xFFFFFFFF, 7)).isEqualTo(6);
    assertThat(Philox.below(0x80000000, 10)).isEqualTo(5);
    for (int i = 0; i < 10_000; i++) {
      int x = Philox.word(i, 0, 0, 0, 1, 2, 0);
      assertThat(Philox.below(x, 13)).isBetween(0, 12);
    }
  }

  @Test
  void streamsAreAddressedByEnvTickPurposeIndexAndSeed() {
    int base = Rng.bits(42, 3, 10, Purpose.REGROWTH, 0, 5, 0);
    assertThat(Rng.bits(42, 3, 10, Purpose.REGROWTH, 0, 5, 0)).isEqualTo(base);
    assertThat(Rng.bits(43, 3, 10, Purpose.REGROWTH, 0, 5, 0)).isNotEqualTo(base);
    assertThat(Rng.bits(42, 4, 10, Purpose.REGROWTH, 0, 5, 0)).isNotEqualTo(base);
    assertThat(Rng.bits(42, 3, 11, Purpose.REGROWTH, 0, 5, 0)).isNotEqualTo(base);
    assertThat(Rng.bits(42, 3, 10, Purpose.SPAWN, 0, 5, 0)).isNotEqualTo(base);
    assertThat(Rng.bits(42, 3, 10, Purpose.REGROWTH, 1, 5, 0)).isNotEqualTo(base);
    assertThat(Rng.bits(42, 3, 10, Purpose.REGROWTH, 0, 6, 0)).isNotEqualTo(base);
    // the seed's high word matters too
    assertThat(Rng.bits(42L | (1L << 40), 3, 10, Purpose.REGROWTH, 0, 5, 0)).isNotEqualTo(base);
    // packed streams: value i is word i & 3 of block i >>> 2
    assertThat(Rng.packed(42, 3, 10, Purpose.REGROWTH, 9)).isEqualTo(Rng.bits(42, 3, 10, Purpose.REGROWTH, 0, 2, 1));
  }
}
