/** ApiContext is what every API method runs with: the model and one clock reading for the call. */
import type { SeattleStore } from '../model/store.js';

export interface ApiContext {
  store: SeattleStore;
  /** now is read once per call, so every expiry in one reply is computed against the same instant. */
  now: number;
  /** natEnabled false answers every nat request with 105, as production has since 2012. */
  natEnabled: boolean;
}
