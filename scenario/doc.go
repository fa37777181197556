// Package scenario judges guanxi's scores and warnings against an
// analyst's reading of a set of account timelines.
//
// A scenario set is a JSONL file of messages and an expected.json that
// says, as of one day, which accounts a careful analyst considers at risk,
// which warning kinds they would raise and how they rank the accounts on
// each trust dimension. Run takes the messages through the real pipeline
// (validation, extraction, the graph with its lifecycle transitions) into a
// temporary store and evaluates every account as of that day; Judge
// compares the result with the analyst's: precision and recall of at-risk
// accounts and of each warning kind, and the share of account pairs whose
// trust ordering matches the analyst's ranking.
//
// Items come from an extractor: the shipped ONNX model, or a GoldExtractor
// that hands the pipeline the hand-annotated items of each message, which
// separates what scoring gets wrong from what extraction gets wrong.
package scenario
