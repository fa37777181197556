package scoring

import "time"

// Dimension names a trust dimension.
type Dimension string

// The dimensions of trust.
const (
	Technical  Dimension = "technical"
	Commercial Dimension = "commercial"
	Emotional  Dimension = "emotional"
)

// Evidence is one fact that moved a score or raised a warning.
type Evidence struct {
	Dimension Dimension `json:"dimension,omitempty"`
	MessageID string    `json:"message_id"`
	Quote     string    `json:"quote,omitempty"`
	Signal    string    `json:"signal"` // machine-readable name of the signal
	Delta     float64   `json:"delta,omitempty"`
	At        time.Time `json:"at"`
}

// Score is the pinned score-line contract: an account's trust as of a time.
type Score struct {
	AccountID  string     `json:"account_id"`
	AsOf       time.Time  `json:"as_of"`
	Technical  float64    `json:"technical"`
	Commercial float64    `json:"commercial"`
	Emotional  float64    `json:"emotional"`
	AtRisk     bool       `json:"at_risk"`
	Evidence   []Evidence `json:"evidence"`
	// Trend is how the dimensions moved over the TrendWindow (30 days)
	// before AsOf. Evaluate always sets it; it is a pointer so that score
	// lines written before it existed read back without one.
	Trend *Trend `json:"trend,omitempty"`
}

// Levels are the three dimensions of trust at one time.
type Levels struct {
	Technical  float64 `json:"technical"`
	Commercial float64 `json:"commercial"`
	Emotional  float64 `json:"emotional"`
}

// Trend compares a score with the score of the same facts evaluated at
// Since (TrendWindow before it): each dimension is now minus then, rounded
// to one decimal, so −4.2 means 4.2 points lower than 30 days earlier.
type Trend struct {
	Since      time.Time `json:"since"`
	Technical  float64   `json:"technical"`
	Commercial float64   `json:"commercial"`
	Emotional  float64   `json:"emotional"`
	// Before holds the values at Since.
	Before Levels `json:"before"`
}

// ContactScore is one customer contact's trust as of a time: the account
// formula applied to the signals that involve that person.
type ContactScore struct {
	AccountID  string    `json:"account_id"`
	ContactID  string    `json:"contact_id"`
	Name       string    `json:"name,omitempty"`
	Title      string    `json:"title,omitempty"`
	AsOf       time.Time `json:"as_of"`
	Technical  float64   `json:"technical"`
	Commercial float64   `json:"commercial"`
	Emotional  float64   `json:"emotional"`
	// Left is set when the contact had left the company by AsOf.
	Left bool `json:"left,omitempty"`
	// WeakIn lists the dimensions below RiskThreshold of a contact still
	// there; WeakLink is set when there is any: the person the account's
	// trust is weakest through.
	WeakLink bool        `json:"weak_link"`
	WeakIn   []Dimension `json:"weak_in,omitempty"`
	Evidence []Evidence  `json:"evidence"`
	Trend    *Trend      `json:"trend,omitempty"`
}

// Kind is the vocabulary of churn-risk warnings.
type Kind string

// The warning kinds; Kinds lists them in reporting order.
const (
	OverdueCommitment     Kind = "overdue_commitment"
	UnresolvedObjection   Kind = "unresolved_objection"
	CommercialSensitivity Kind = "commercial_sensitivity"
	TechnicalTrustDecline Kind = "technical_trust_decline"
	EmotionalTrustDecline Kind = "emotional_trust_decline"
	GoingDark             Kind = "going_dark"
	SingleThreaded        Kind = "single_threaded"
	ChampionLeft          Kind = "champion_left"
	CompetitorThreat      Kind = "competitor_threat"
)

// Severity grades a warning.
type Severity string

// The severities, mildest first.
const (
	SeverityLow    Severity = "low"
	SeverityMedium Severity = "medium"
	SeverityHigh   Severity = "high"
)

// Warning is the pinned warning-line contract.
type Warning struct {
	AccountID string     `json:"account_id"`
	Kind      Kind       `json:"kind"`
	Severity  Severity   `json:"severity"`
	Since     time.Time  `json:"since"`
	Evidence  []Evidence `json:"evidence"`
	// Message explains the warning in Chinese, with a next step for the rep.
	Message string `json:"message"`
}
