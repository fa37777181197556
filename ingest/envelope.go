package ingest

import "time"

// EnvelopeVersion is the version of the message envelope this package accepts.
const EnvelopeVersion = "v1"

// Channel is where a message was exchanged.
type Channel string

const (
	ChannelEmail    Channel = "email"
	ChannelMeeting  Channel = "meeting"
	ChannelCall     Channel = "call"
	ChannelChat     Channel = "chat"
	ChannelActivity Channel = "activity"
)

// Side tells whether a participant belongs to the customer or to the vendor.
type Side string

const (
	SideCustomer Side = "customer"
	SideVendor   Side = "vendor"
)

// Message is one unit of sales communication, envelope v1.
// Unknown JSON fields are accepted and ignored.
type Message struct {
	ID           string        `json:"id"`
	Channel      Channel       `json:"channel"`
	Account      Account       `json:"account"`
	OccurredAt   time.Time     `json:"occurred_at"`
	Participants []Participant `json:"participants"`

	// Email and meeting notes.
	From    string `json:"from,omitempty"`
	Subject string `json:"subject,omitempty"`
	Body    string `json:"body,omitempty"`

	// Calls and chats.
	Turns []Turn `json:"turns,omitempty"`

	// Activity events.
	Activity *Activity `json:"activity,omitempty"`
}

// Account is the customer organisation a message belongs to.
type Account struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Participant is a person taking part in a message.
type Participant struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Side  Side   `json:"side"`
	Title string `json:"title,omitempty"`
}

// Turn is one utterance in a call or chat. Calls carry StartMS/EndMS; chat
// turns may carry At instead.
type Turn struct {
	Speaker string     `json:"speaker"`
	Text    string     `json:"text"`
	StartMS *int64     `json:"start_ms,omitempty"`
	EndMS   *int64     `json:"end_ms,omitempty"`
	At      *time.Time `json:"at,omitempty"`
}

// ActivityKind is a tracked behaviour rather than words.
type ActivityKind string

const (
	ActivityAttachmentOpened  ActivityKind = "attachment_opened"
	ActivityAttachmentIgnored ActivityKind = "attachment_ignored"
	ActivityEmailOpened       ActivityKind = "email_opened"
	ActivityMeetingAccepted   ActivityKind = "meeting_accepted"
	ActivityMeetingDeclined   ActivityKind = "meeting_declined"
	ActivityMeetingCancelled  ActivityKind = "meeting_cancelled"
	ActivityContactLeft       ActivityKind = "contact_left"
)

// Activity describes an activity event: who did what to which reference.
type Activity struct {
	Kind  ActivityKind `json:"kind"`
	Actor string       `json:"actor"`
	Ref   string       `json:"ref,omitempty"`
}

// Participant returns the participant with the given id.
func (m *Message) Participant(id string) (Participant, bool) {
	for _, p := range m.Participants {
		if p.ID == id {
			return p, true
		}
	}
	return Participant{}, false
}
