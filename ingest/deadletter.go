package ingest

import (
	"encoding/base64"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// DeadLetter is a record that could not be processed, kept whole with the
// reason so it can be fixed and replayed.
type DeadLetter struct {
	// Raw is the input as it arrived: the text itself when it is valid
	// UTF-8, otherwise base64 with RawEncoding "base64".
	Raw         string `json:"raw"`
	RawEncoding string `json:"raw_encoding,omitempty"`
	Reason      string `json:"reason"`
	// MessageID is the message's id when it could be read.
	MessageID string `json:"message_id,omitempty"`
	// Key is the Kafka record key (the account id), encoded like Raw.
	Key         string `json:"key,omitempty"`
	KeyEncoding string `json:"key_encoding,omitempty"`

	// Where a Kafka record came from.
	Topic     string `json:"topic,omitempty"`
	Partition *int   `json:"partition,omitempty"`
	Offset    *int64 `json:"offset,omitempty"`
	// Line is the 1-based line of a file record.
	Line int `json:"line,omitempty"`

	// At is when the record was dead-lettered.
	At time.Time `json:"at"`
}

// NewDeadLetter builds the dead letter of rec, which failed with err. A
// *ValidationError contributes its Reason and message id.
func NewDeadLetter(rec Record, err error) DeadLetter {
	d := DeadLetter{At: time.Now().UTC()}
	d.Raw, d.RawEncoding = encodeRaw(rec.Value)
	if len(rec.Key) > 0 {
		d.Key, d.KeyEncoding = encodeRaw(rec.Key)
	}
	var verr *ValidationError
	switch {
	case errors.As(err, &verr):
		d.Reason = verr.Reason
		d.MessageID = verr.MessageID
	case err != nil:
		d.Reason = err.Error()
	default:
		d.Reason = "unknown failure"
	}
	if rec.Topic != "" {
		d.Topic = rec.Topic
		p, off := rec.Partition, rec.Offset
		d.Partition, d.Offset = &p, &off
	} else {
		d.Line = rec.Line
	}
	return d
}

func encodeRaw(b []byte) (string, string) {
	if utf8.Valid(b) {
		return string(b), ""
	}
	return base64.StdEncoding.EncodeToString(b), "base64"
}

// RawBytes returns the input exactly as it arrived.
func (d DeadLetter) RawBytes() ([]byte, error) {
	switch d.RawEncoding {
	case "":
		return []byte(d.Raw), nil
	case "base64":
		b, err := base64.StdEncoding.DecodeString(d.Raw)
		if err != nil {
			return nil, fmt.Errorf("ingest: dead letter raw: %w", err)
		}
		return b, nil
	default:
		return nil, fmt.Errorf("ingest: dead letter raw: unknown encoding %q", d.RawEncoding)
	}
}
