/* PERIOD_START_APPLES = the apples on the map of env e (every apple stands on an apple site), for the principal's next observation. */
void count_apples(State* s, int e) {
  int g = e * CELLS;
  int apples = 0;
  for (int k = 0; k < NUM_SITES; k++) if (s->GRID[g + s->SITES[k]] == CELL_APPLE) apples++;
  s->PERIOD_START_APPLES[e] = apples;
}
