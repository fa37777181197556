// Package ingest reads communication messages (envelope v1) from Kafka or
// JSONL files, validates them, and turns what fails into dead letters.
//
// # Envelope v1
//
// Every input is one JSON object, the envelope, described by the JSON Schema
// in envelope.schema.json (returned by EnvelopeSchema) and, with an example
// per channel, in ENVELOPE.md. In short:
//
//   - id: the message id and idempotency key; channel: email, meeting, call,
//     chat or activity; account: {id, name}; occurred_at: RFC 3339;
//     participants: [{id, name, side: customer|vendor, title}].
//   - email and meeting: from (a participant id), subject, body.
//   - call: turns [{speaker, text, start_ms, end_ms}]; chat: the same turns,
//     each with start_ms/end_ms or an RFC 3339 "at".
//   - activity: activity {kind, actor, ref}.
//
// Unknown fields are kept in the raw input and ignored, so producers can add
// fields without breaking consumers.
//
// # Validation
//
// Parse (or Validator.Parse with its own size limit) checks a raw message in a
// fixed order and stops at the first stage that fails: size (1 MiB by
// default), UTF-8, JSON syntax, the embedded schema, then the rules that span
// fields: from, every turn speaker and the activity actor name a
// participant, participant ids are unique, and end_ms is not before start_ms.
// Failures are a *ValidationError whose Reason names the field and the fault,
// for example:
//
//	occurred_at: "2025-13-01" is not RFC 3339
//	turns[2].speaker "p9" is not a participant
//	message is not valid UTF-8 (byte offset 17)
//
// Text is never altered: Chinese full-width punctuation and mixed
// Chinese/English text pass through byte for byte.
//
// # Sources
//
// KafkaSource (a consumer group) and FileSource (a JSONL file with an optional
// checkpoint) share one method set: Fetch returns the next Record, Commit
// marks records done once their facts are stored, Close releases the source.
// Both only ever persist progress up to the oldest record still in flight, so
// a crash redelivers what was not finished and nothing is lost; consumers must
// therefore treat the message id as an idempotency key.
//
// A record that cannot be used becomes a DeadLetter (NewDeadLetter), which
// keeps the raw input, the reason and where the record came from.
package ingest
