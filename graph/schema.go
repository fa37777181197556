package graph

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cayleygraph/quad"
	"github.com/cayleygraph/quad/voc/xsd"

	"github.com/guanxi-dev/guanxi/extract"
)

// Item statuses. Every item is written as StatusOpen; later steps move it on
// with SetItemStatus.
const (
	StatusOpen = "open"
)

// Node IRI prefixes. An id is appended verbatim, so "ACME" becomes
// <account/ACME>.
const (
	prefixAccount = "account/"
	prefixPerson  = "person/"
	prefixMessage = "message/"
	prefixItem    = "item/"
)

// Values of gx:type for the node kinds that are not items; items carry their
// item type (commitment, objection, pain_point).
const (
	typeAccount = "account"
	typePerson  = "person"
	typeMessage = "message"
)

// Predicates of the gx: namespace, kept in their short form.
const (
	predType         = quad.IRI("gx:type")
	predName         = quad.IRI("gx:name")
	predSide         = quad.IRI("gx:side")
	predTitle        = quad.IRI("gx:title")
	predAccount      = quad.IRI("gx:account")
	predUpdatedAt    = quad.IRI("gx:updated_at")
	predChannel      = quad.IRI("gx:channel")
	predOccurredAt   = quad.IRI("gx:occurred_at")
	predSubject      = quad.IRI("gx:subject")
	predFrom         = quad.IRI("gx:from")
	predParticipant  = quad.IRI("gx:participant")
	predActivityKind = quad.IRI("gx:activity_kind")
	predActor        = quad.IRI("gx:actor")
	predRef          = quad.IRI("gx:ref")
	predSubtype      = quad.IRI("gx:subtype")
	predParty        = quad.IRI("gx:party")
	predSpeaker      = quad.IRI("gx:speaker")
	predMessage      = quad.IRI("gx:message")
	predText         = quad.IRI("gx:text")
	predDue          = quad.IRI("gx:due")
	predConfidence   = quad.IRI("gx:confidence")
	predModel        = quad.IRI("gx:model")
	predField        = quad.IRI("gx:field")
	predStart        = quad.IRI("gx:start")
	predEnd          = quad.IRI("gx:end")
	predStatus       = quad.IRI("gx:status")
	predPromisedTo   = quad.IRI("gx:promised_to")
)

// itemTypes are the gx:type values of item nodes.
var itemTypes = []extract.Type{extract.Commitment, extract.Objection, extract.PainPoint}

func accountIRI(id string) quad.IRI { return quad.IRI(prefixAccount + id) }
func personIRI(id string) quad.IRI  { return quad.IRI(prefixPerson + id) }
func messageIRI(id string) quad.IRI { return quad.IRI(prefixMessage + id) }
func itemIRI(id string) quad.IRI    { return quad.IRI(prefixItem + id) }

// ItemID returns the stable id of an item: a hash of the message id, the
// field, the rune span and the item type. Re-extracting the same message
// yields the same ids, which is what makes PutMessage idempotent.
func ItemID(messageID, field string, start, end int, typ extract.Type) string {
	h := sha256.New()
	// NUL cannot occur in any of the parts, so the encoding is unambiguous.
	for _, part := range []string{messageID, field, strconv.Itoa(start), strconv.Itoa(end), string(typ)} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// timeValue encodes t as an xsd:dateTime literal in UTC with full precision.
// quad.Time is not used because Cayley derives node identity from its
// second-precision form, so two instants within one second would share a
// node and one of them would read back wrong.
func timeValue(t time.Time) quad.Value {
	return quad.TypedString{Value: quad.String(t.UTC().Format(time.RFC3339Nano)), Type: xsd.DateTime}
}

// parseTime decodes a time literal written by timeValue (or a native
// quad.Time) into UTC.
func parseTime(v quad.Value) (time.Time, error) {
	switch v := v.(type) {
	case quad.TypedString:
		if v.Type.Short() != xsd.DateTime {
			return time.Time{}, fmt.Errorf("literal %v is not an xsd:dateTime", v)
		}
		t, err := time.Parse(time.RFC3339Nano, string(v.Value))
		if err != nil {
			return time.Time{}, fmt.Errorf("parse time literal %v: %w", v, err)
		}
		return t.UTC(), nil
	case quad.Time:
		return time.Time(v).UTC(), nil
	default:
		return time.Time{}, fmt.Errorf("value %v (%T) is not a time literal", v, v)
	}
}

// idOf strips the node prefix from an IRI value, reporting whether v is an
// IRI of that kind.
func idOf(v quad.Value, prefix string) (string, bool) {
	iri, ok := v.(quad.IRI)
	if !ok {
		return "", false
	}
	return strings.CutPrefix(string(iri), prefix)
}

// stringOf returns the text of a string literal.
func stringOf(v quad.Value) (string, bool) {
	switch v := v.(type) {
	case quad.String:
		return string(v), true
	case quad.TypedString:
		return string(v.Value), true
	case quad.LangString:
		return string(v.Value), true
	}
	return "", false
}

// checkID reports why id cannot be used inside a node IRI, if it cannot.
// The excluded characters are those N-Quads forbids in an IRI, so the graph
// stays exportable; Chinese and other letters are fine.
func checkID(id string) error {
	if id == "" {
		return fmt.Errorf("empty id")
	}
	if !utf8.ValidString(id) {
		return fmt.Errorf("id %q is not valid UTF-8", id)
	}
	for _, r := range id {
		if unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune(`<>"{}|^`+"`\\", r) {
			return fmt.Errorf("id %q contains %q, which cannot appear in an IRI", id, r)
		}
	}
	return nil
}
