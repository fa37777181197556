// Package audit is the relationship-health audit that sales operations run
// over a random sample of accounts: is each relationship balanced across
// technical, commercial and emotional trust, where is it weak, where is it
// heading, and what should the rep do about it.
//
// # Sampling
//
// Sample picks round(fraction × accounts) accounts, at least one. Each
// account is ranked by a hash of the seed and its id and the lowest ranks
// are taken, so the same seed over the same accounts gives the same sample,
// whatever order the accounts are listed in, and adding an account moves
// at most one account in or out of the sample.
//
// # Balance
//
// Assess scores an account at the audit time and TrendWindow (30 days)
// earlier with scoring.Evaluate. The weakest dimension is the lowest one
// (ties go to technical, then commercial). The spread is the strongest minus
// the weakest score: below Uneven (10 points) the relationship is balanced,
// below Lopsided (20) uneven, otherwise lopsided. A dimension is a weak spot
// when it is below the scoring risk threshold (45), when it trails the
// strongest dimension by Gap (15) points or more, or when it fell by Drop (6)
// points or more over the trend window and stands below the baseline (60).
//
// # Advice
//
// Rules (rules.go) is the one table of advice. Each rule is keyed on active
// warnings, on signals that lowered a dimension, or on a dimension gap; it
// fires when any of its warnings is active, or when one of its signals
// lowered the account's trust and its dimension is a weak spot, or (gap
// rules) when its dimension is the weakest, trails the strongest by at least
// Gap points and no earlier rule already advised on that dimension. Every
// piece of advice names the people, dates, message ids and words it rests on
// and ends with a concrete next step; its Evidence lists the same facts.
//
// # Output
//
// WriteTable prints a terminal table aligned by display width, WriteJSON the
// report with stable field names, and WriteHTML a self-contained printable
// page with an inline SVG chart per account.
package audit
