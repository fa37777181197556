package extract

// Type is the kind of an extracted item.
type Type string

const (
	Commitment Type = "commitment"
	Objection  Type = "objection"
	PainPoint  Type = "pain_point"
)

// Item is one commitment, objection or pain point found in a message.
// The JSON form is the pinned item-line contract of guanxi's outputs.
type Item struct {
	MessageID string `json:"message_id"`
	AccountID string `json:"account_id"`
	Type      Type   `json:"type"`
	Subtype   string `json:"subtype,omitempty"`
	// Party is "customer" or "vendor": the side that said it.
	Party   string `json:"party"`
	Speaker string `json:"speaker"`
	// Text is the evidence exactly as it stands in the message.
	Text string `json:"text"`
	// Due is YYYY-MM-DD, absent when the text fixes no date.
	Due        string  `json:"due,omitempty"`
	Confidence float64 `json:"confidence"`
	// Model is name@version of the model that found the item.
	Model string `json:"model"`
	// Field locates the evidence: "body", "subject" or "turns[N]"; Start and
	// End are rune offsets of Text inside that field.
	Field string `json:"field"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}
