/*
 * PERIOD_START_APPLES = the apples on the map of env e (every apple stands on an apple site), the
 * principal's next input. One work-item (a period's end is one step in 50).
 */
void count_apples(State* s, int e) {
  ONE {
    int apples = 0;
    for (int k = 0; k < NUM_SITES; k++) if (s->grid[s->SITES[k]] == CELL_APPLE) apples++;
    s->PERIOD_START_APPLES[e] = apples;
  }
}
