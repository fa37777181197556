// Package scoring turns what the graph knows about an account into trust
// scores and churn-risk warnings, so that a sales manager learns which
// accounts are slipping and why.
//
// # Scores
//
// Evaluate scores three dimensions of the customer's trust, each 0–100:
// technical (do they believe the product works for them), commercial (are
// price, terms and the buying process on track) and emotional (is the
// relationship warm and responsive). Each starts from a neutral Baseline
// (60) and is moved by signals found in the account's history:
//
//	score(d) = clamp(Baseline + Σ weight(s, d) × scale(s) × decay(s), 0, 100)
//	decay(s) = 2^(−age(s) / HalfLife)      (HalfLife 30 days)
//
// rounded to one decimal. weight comes from the Weights table
// (DefaultWeights); a signal's Topic weight goes to the dimension its text
// is about. scale is the extractor's confidence, times ResolvedFactor for an
// answered objection. Standing signals describe the account as it is now (a
// promise still overdue, a silence still going on, a single thread) and do
// not decay; an overdue vendor promise grows from 1× to 3× its weight over
// four weeks. Only facts that occurred at or before asOf count, so replaying
// history gives the answers of the time. Score.Evidence lists, per
// dimension, the signals that moved it most, with signed deltas.
//
// Score.Trend is each dimension now minus its value TrendWindow (30 days)
// earlier, evaluated on the facts known then, with the earlier values.
//
// EvaluateContacts applies the same formula to each customer contact, over
// the signals that involve that person (what they said, promised or objected
// to, the material and meetings they took up or turned down, the promises
// we made to them), with their own evidence and trend, and marks as a weak
// link a contact still there with a dimension below RiskThreshold.
//
// An account is at risk when a dimension is below RiskThreshold (45) or a
// high-severity warning is active.
//
// # Warnings
//
// Evaluate also reports at most one warning per Kind, each with a severity,
// the time its condition began, the messages it rests on and a Chinese
// paragraph naming the people, dates and words involved and a next step for
// the rep. Friction that was resolved does not warn: an objection followed
// by a commitment or other positive engagement from the same contact counts
// as answered (a price or terms objection only by a commitment: reading our
// counter-offer is not agreeing to it), one price question is not
// commercial sensitivity, and going
// dark is measured against the account's own cadence. The decline kinds
// compare a dimension now with its value TrendWindow (30 days) earlier.
//
// FORMULA.md in this directory gives every signal, rule and threshold.
//
// # Emitting changes only
//
// A pipeline evaluates an account after each message. Tracker turns the
// warnings of successive evaluations into raised, updated and cleared
// changes, and ScoreTracker says when a score moved enough to emit, so that
// readers are not flooded with repeats.
package scoring
