// Package graph records who said what to whom: accounts, people, messages,
// activities and extracted items, as quads in a Cayley graph, and reads them
// back as the per-account facts that scoring works from.
//
// Cayley is used only inside this package. Callers see Store, its Config and
// the plain read model types (AccountFacts, Commitment, …), so another store
// can replace Cayley without changes elsewhere.
//
// # Schema
//
// Nodes are IRIs made of a kind and the id from the envelope, used verbatim:
//
//	<account/ACME>  <person/p1>  <message/m-001>  <item/HASH>
//
// HASH is ItemID: a hash of message id, field, rune span and item type.
// Predicates live in the gx: namespace. Quads carry no label.
//
//	account  gx:type "account"; gx:name; gx:updated_at
//	person   gx:type "person"; gx:name; gx:side ("customer"|"vendor");
//	         gx:title; gx:account → account (customer contacts only);
//	         gx:updated_at
//	message  gx:type "message"; gx:account → account; gx:channel;
//	         gx:occurred_at; gx:subject; gx:from → person;
//	         gx:participant → person (one quad per participant);
//	         activities also gx:activity_kind, gx:actor → person, gx:ref
//	item     gx:type ("commitment"|"objection"|"pain_point"); gx:subtype;
//	         gx:party ("customer"|"vendor"); gx:speaker → person;
//	         gx:message → message; gx:account → account; gx:text; gx:due
//	         ("YYYY-MM-DD"); gx:confidence (float); gx:model
//	         ("name@version"); gx:field; gx:start, gx:end (rune offsets,
//	         integers); gx:status ("open" when written); commitments also
//	         gx:promised_to → person (the other side's participants)
//
// Times (gx:occurred_at, gx:updated_at) are xsd:dateTime literals in UTC
// with full precision. Text is stored exactly as given. Optional facts are
// left out rather than stored empty. A person's id is global; the account of
// a customer contact is the account of the messages they take part in.
// gx:updated_at is the time of the newest message a person's or account's
// attributes were taken from, so replaying older messages cannot undo them.
//
// # Writes
//
// PutMessage writes a message with its items in one transaction, and putting
// it again replaces what the previous put wrote, so reprocessing never
// duplicates anything. Bad input is rejected with ErrInvalid before anything
// is written. SetItemStatus changes an item's status in the same way.
//
// # Backends
//
// bbolt (the default) and leveldb keep the graph in local files for one
// process; memstore keeps it in memory. On postgres several processes share
// one graph: writes that touch the same account, person or message are
// serialised across them with advisory locks, so the graph is what some
// serial order of their writes would have made.
//
// The full schema, with example quads, is in SCHEMA.md next to this file.
package graph
