package graph

import (
	"time"

	"github.com/guanxi-dev/guanxi/extract"
)

// AccountFacts is everything the graph knows about one account: the read
// model that scoring works from.
type AccountFacts struct {
	Account      Account
	People       []Person
	Interactions []Interaction
	Items        []ItemFact
	Activities   []ActivityFact
}

// Account is a customer organisation.
type Account struct {
	ID   string
	Name string
}

// Person is a customer contact or a vendor rep.
type Person struct {
	ID      string
	Name    string
	Side    string // customer | vendor
	Title   string
	Account string // account id for customer contacts
	// LeftAt is set when a contact_left activity was recorded for the person.
	LeftAt *time.Time
}

// Interaction is one message: an email, meeting, call, chat or activity.
type Interaction struct {
	MessageID    string
	Channel      string
	OccurredAt   time.Time
	Subject      string
	From         string   // participant id of the author, when there is one
	Participants []string // participant ids
}

// ItemFact is an extracted item as stored, with the time of its message.
type ItemFact struct {
	ID         string // stable id derived from message id and span
	OccurredAt time.Time
	extract.Item
	// Status is the item's follow-up state; every item starts as StatusOpen.
	Status string
	// PromisedTo lists the participant ids a commitment was made to: the
	// other side's participants of its message. Empty for other item types.
	PromisedTo []string
	// Transitions are what later messages did to the item (kept, withdrawn,
	// answered, resolved), oldest first; StatusAt derives the status as of a
	// time from them.
	Transitions []Transition
}

// Commitment is an open commitment together with the message it was made in.
type Commitment struct {
	ItemFact
	Message MessageRef
}

// MessageRef identifies the message an item came from.
type MessageRef struct {
	ID         string
	Channel    string
	OccurredAt time.Time
	Subject    string
}

// ActivityFact is a behavioural event (attachment opened, meeting declined …).
type ActivityFact struct {
	MessageID  string
	OccurredAt time.Time
	Kind       string
	Actor      string
	Ref        string
}
