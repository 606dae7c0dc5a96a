/* An episode's last step: DONE = 1, and its last observation and state are kept for the learner and the trace. */
void keep_final(State* s, int e) {
  ONE s->DONE[e] = 1;
  int pb = e * N;
  int ob = pb * VIEW;
  for (int k = LID; k < N * VIEW; k += LSZ) s->FINAL_OBS[ob + k] = s->OBS[ob + k];
  int sb = pb * SCALARS;
  for (int k = LID; k < N * SCALARS; k += LSZ) s->FINAL_SCALARS[sb + k] = s->OBS_SCALARS[sb + k];
  int g = e * CELLS;
  for (int c = LID; c < CELLS; c += LSZ) s->FINAL_GRID[g + c] = s->grid[c];
  for (int i = LID; i < N; i += LSZ) {
    s->FINAL_POS[pb + i] = s->POS[pb + i];
    s->FINAL_DIR[pb + i] = s->DIR[pb + i];
  }
}
