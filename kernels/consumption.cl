/* Each player on the map standing on an APPLE eats it. */
void consumption(State* s, int e) {
  int pb = e * N;
  int g = e * CELLS;
  for (int i = 0; i < N; i++) {
    int pos = s->POS[pb + i];
    int a = 0;
    if (pos >= 0 && s->GRID[g + pos] == CELL_APPLE) {
      s->GRID[g + pos] = CELL_EMPTY;
      a = 1;
    }
    s->EATEN[pb + i] = a;
  }
}
