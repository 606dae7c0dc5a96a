/* An episode's last step: DONE = 1, and its last observation and state are kept for the learner and the trace. */
void keep_final(State* s, int e) {
  s->DONE[e] = 1;
  int pb = e * N;
  int ob = pb * VIEW;
  for (int k = 0; k < N * VIEW; k++) s->FINAL_OBS[ob + k] = s->OBS[ob + k];
  int sb = pb * SCALARS;
  for (int k = 0; k < N * SCALARS; k++) s->FINAL_SCALARS[sb + k] = s->OBS_SCALARS[sb + k];
  int g = e * CELLS;
  for (int c = 0; c < CELLS; c++) s->FINAL_GRID[g + c] = s->GRID[g + c];
  for (int i = 0; i < N; i++) {
    s->FINAL_POS[pb + i] = s->POS[pb + i];
    s->FINAL_DIR[pb + i] = s->DIR[pb + i];
  }
}
