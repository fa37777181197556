package scoring

import (
	"maps"
	"time"
)

// Signal is the machine-readable name of something in an account's history
// that moves trust. It appears in Evidence.Signal.
type Signal string

// Signals that Evaluate scores. DefaultWeights says how far each one moves
// which dimension; FORMULA.md explains when each one fires.
const (
	// Engagement and responsiveness.
	SigCustomerMessage    Signal = "customer_message"    // a customer contact wrote to us
	SigMeetingHeld        Signal = "meeting_held"        // a meeting or call with customer contacts took place
	SigResponsivenessDrop Signal = "responsiveness_drop" // customer messages in the last 30 days fell to half their usual rate or less
	SigGoingDark          Signal = "going_dark"          // the customer has been silent far longer than its own cadence
	SigSingleThreaded     Signal = "single_threaded"     // only one customer contact talks to us
	SigMultiThreaded      Signal = "multi_threaded"      // three or more customer contacts talk to us

	// Commitments on both sides.
	SigCustomerCommitment       Signal = "customer_commitment"        // the customer promised a next step
	SigCustomerCommitmentKept   Signal = "customer_commitment_kept"   // a customer promise shows signs of fulfilment
	SigCustomerCommitmentLapsed Signal = "customer_commitment_lapsed" // a customer promise is past its due date with no sign of fulfilment
	SigVendorCommitmentKept     Signal = "vendor_commitment_kept"     // we delivered what we promised, on time
	SigVendorCommitmentLate     Signal = "vendor_commitment_late"     // we delivered, but after the due date
	SigVendorCommitmentOverdue  Signal = "vendor_commitment_overdue"  // our promise is past due with no sign of fulfilment
	SigCommitmentRescheduled    Signal = "commitment_rescheduled"     // we made the same promise again before keeping it

	// What the customer says.
	SigPainPointShared     Signal = "pain_point_shared"      // the customer told us about a pain
	SigObjectionPrice      Signal = "objection_price"        // objection about price
	SigObjectionTerms      Signal = "objection_terms"        // objection about payment or contract terms
	SigObjectionCompetitor Signal = "objection_competitor"   // objection citing a competitor
	SigObjectionTiming     Signal = "objection_timing"       // objection about timing
	SigObjectionAuthority  Signal = "objection_authority"    // the contact cannot decide alone
	SigObjectionNeed       Signal = "objection_need"         // the customer doubts the need
	SigObjectionTechnical  Signal = "objection_technical"    // objection about the technology
	SigObjectionRisk       Signal = "objection_risk"         // objection about risk, security, compliance
	SigObjectionOther      Signal = "objection_other"        // objection of an unknown subtype
	SigCompetitorMentioned Signal = "competitor_mentioned"   // a competitor named outside an objection
	SigPaymentTermsRepeat  Signal = "payment_terms_repeated" // price or payment terms raised again within the window
	SigWarmTone            Signal = "warm_tone"              // thanks, praise, anticipation
	SigColdTone            Signal = "cold_tone"              // brush-offs, disappointment

	// What the customer does.
	SigTechAttachmentOpened  Signal = "tech_attachment_opened"   // a technical contact opened our material
	SigTechAttachmentIgnored Signal = "tech_attachment_ignored"  // a technical contact left our material unopened
	SigAttachmentOpened      Signal = "attachment_opened"        // another contact opened our material
	SigAttachmentIgnored     Signal = "attachment_ignored"       // another contact left our material unopened
	SigEmailOpened           Signal = "email_opened"             // a contact opened our email
	SigMeetingAccepted       Signal = "meeting_accepted"         // a contact accepted a meeting
	SigMeetingDeclined       Signal = "meeting_declined"         // a contact declined a meeting
	SigMeetingCancelled      Signal = "meeting_cancelled"        // a customer contact cancelled a meeting
	SigVendorMeetingCancel   Signal = "vendor_meeting_cancelled" // we cancelled a meeting
	SigContactLeft           Signal = "contact_left"             // a customer contact left the company
	SigChampionLeft          Signal = "champion_left"            // the most engaged customer contact left the company
)

// Weight is how far one full-strength occurrence of a signal moves each
// dimension, in points. Topic is added to the dimension that the item's
// text is about (technical or commercial) when that can be told, so that a
// broken promise to send a test report costs technical trust and a broken
// promise to send a quote costs commercial trust.
type Weight struct {
	Technical  float64
	Commercial float64
	Emotional  float64
	Topic      float64
}

// Weights maps each signal to its weight. A signal missing from the table
// does not move any score.
type Weights map[Signal]Weight

// DefaultWeights is the tuning table. Positive weights raise trust,
// negative ones lower it. Standing signals (overdue, lapsed, going dark,
// responsiveness, threading) are multiplied as FORMULA.md describes; every
// other signal is one occurrence. Treat it as read-only: DefaultConfig
// hands out a copy to change.
var DefaultWeights = Weights{
	SigCustomerMessage:    {Emotional: 0.8},
	SigMeetingHeld:        {Emotional: 1.5},
	SigResponsivenessDrop: {Emotional: -4},
	SigGoingDark:          {Emotional: -5},
	SigSingleThreaded:     {Commercial: -4, Emotional: -1},
	SigMultiThreaded:      {Commercial: 2, Emotional: 1},

	SigCustomerCommitment:       {Emotional: 3, Topic: 3},
	SigCustomerCommitmentKept:   {Emotional: 2, Topic: 2},
	SigCustomerCommitmentLapsed: {Emotional: -3, Topic: -2},
	SigVendorCommitmentKept:     {Emotional: 3, Topic: 4},
	SigVendorCommitmentLate:     {Emotional: -2, Topic: -2},
	SigVendorCommitmentOverdue:  {Emotional: -4, Topic: -4},
	SigCommitmentRescheduled:    {Emotional: -1.5, Topic: -1.5},

	SigPainPointShared:     {Emotional: 3, Topic: 2},
	SigObjectionPrice:      {Commercial: -6},
	SigObjectionTerms:      {Commercial: -5},
	SigObjectionCompetitor: {Commercial: -5, Emotional: -2},
	SigObjectionTiming:     {Commercial: -2, Emotional: -3},
	SigObjectionAuthority:  {Commercial: -4, Emotional: -1},
	SigObjectionNeed:       {Commercial: -2, Emotional: -3},
	SigObjectionTechnical:  {Technical: -7},
	SigObjectionRisk:       {Technical: -4, Emotional: -2},
	SigObjectionOther:      {Emotional: -3},
	SigCompetitorMentioned: {Commercial: -3, Emotional: -1},
	SigPaymentTermsRepeat:  {Commercial: -3},
	SigWarmTone:            {Emotional: 2},
	SigColdTone:            {Emotional: -4},

	SigTechAttachmentOpened:  {Technical: 4},
	SigTechAttachmentIgnored: {Technical: -6},
	SigAttachmentOpened:      {Emotional: 1, Topic: 1.5},
	SigAttachmentIgnored:     {Emotional: -1.5, Topic: -2},
	SigEmailOpened:           {Emotional: 0.3},
	SigMeetingAccepted:       {Emotional: 3, Topic: 1.5},
	SigMeetingDeclined:       {Emotional: -4, Topic: -4},
	SigMeetingCancelled:      {Emotional: -5, Topic: -4},
	SigVendorMeetingCancel:   {Emotional: -2},
	SigContactLeft:           {Emotional: -4},
	SigChampionLeft:          {Commercial: -4, Emotional: -12},
}

// Config holds every tunable of Evaluate. A zero field means the default
// that DefaultConfig sets.
type Config struct {
	// Baseline is where every dimension starts (neutral trust).
	Baseline float64
	// HalfLife is how long it takes a signal's effect to halve.
	HalfLife time.Duration
	// RiskThreshold: an account is at risk when any dimension is below it.
	RiskThreshold float64
	// EvidencePerDimension caps the evidence listed for each dimension.
	EvidencePerDimension int
	// MinConfidence drops items the extractor was less sure of. Items
	// carrying no confidence (0) are kept at full strength.
	MinConfidence float64
	// ResolvedFactor scales the weight of an objection that was answered.
	ResolvedFactor float64
	// Location is where due dates and calendar days are read.
	Location *time.Location
	// Weights is the signal table.
	Weights Weights

	// TrendWindow is how far back the decline warnings compare.
	TrendWindow time.Duration
	// DeclineDrop is the fall in points over TrendWindow that, with the
	// dimension at least DeclineDrop/2 below Baseline, makes a decline
	// warning.
	DeclineDrop float64
	// CustomerGrace is how long past its due date a customer promise may
	// go before it counts as lapsed.
	CustomerGrace time.Duration
	// ObjectionGrace is how long an objection may stay unanswered before
	// it is warned about.
	ObjectionGrace time.Duration
	// Lookback limits how old an unanswered objection, a competitor
	// mention or a missed due date may be and still be warned about; an
	// overdue promise older than this stops standing and decays.
	Lookback time.Duration
	// PaymentWindow and PaymentRepeat: the customer raising price or
	// payment terms PaymentRepeat times within PaymentWindow is commercial
	// sensitivity.
	PaymentWindow time.Duration
	PaymentRepeat int
	// DarkFactor and DarkMinGap: the customer is going dark when its
	// silence is at least DarkFactor times its usual gap between messages
	// and at least DarkMinGap.
	DarkFactor float64
	DarkMinGap time.Duration
	// ThreadWindow and ThreadMinSpan: single-threaded when one customer
	// contact alone engaged with us within ThreadWindow (and talked to us
	// at least twice), in a relationship older than ThreadMinSpan.
	ThreadWindow  time.Duration
	ThreadMinSpan time.Duration
	// DepartureWindow is how long a key contact's departure stays a warning.
	DepartureWindow time.Duration
	// ChampionLookback is the period before a departure over which the
	// departed contact's engagement is measured.
	ChampionLookback time.Duration
	// Competitors names competitors to look for in customer text, besides
	// the generic markers (竞品, 友商 …).
	Competitors []string
}

const day = 24 * time.Hour

// DefaultConfig returns the default tuning, with its own copy of
// DefaultWeights.
func DefaultConfig() Config {
	return Config{
		Baseline:             60,
		HalfLife:             30 * day,
		RiskThreshold:        45,
		EvidencePerDimension: 5,
		MinConfidence:        0.5,
		ResolvedFactor:       0.25,
		Location:             chinaTime,
		Weights:              maps.Clone(DefaultWeights),
		TrendWindow:          30 * day,
		DeclineDrop:          6,
		CustomerGrace:        7 * day,
		ObjectionGrace:       7 * day,
		Lookback:             90 * day,
		PaymentWindow:        30 * day,
		PaymentRepeat:        2,
		DarkFactor:           2.5,
		DarkMinGap:           10 * day,
		ThreadWindow:         60 * day,
		ThreadMinSpan:        30 * day,
		DepartureWindow:      60 * day,
		ChampionLookback:     90 * day,
	}
}

// chinaTime is UTC+8 without a tzdata lookup, so that scoring does not
// depend on the host's zone database.
var chinaTime = time.FixedZone("CST", 8*60*60)

// withDefaults fills zero fields from DefaultConfig.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	setF := func(v *float64, def float64) {
		if *v == 0 {
			*v = def
		}
	}
	setD := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	setF(&c.Baseline, d.Baseline)
	setD(&c.HalfLife, d.HalfLife)
	setF(&c.RiskThreshold, d.RiskThreshold)
	if c.EvidencePerDimension <= 0 {
		c.EvidencePerDimension = d.EvidencePerDimension
	}
	setF(&c.MinConfidence, d.MinConfidence)
	setF(&c.ResolvedFactor, d.ResolvedFactor)
	if c.Location == nil {
		c.Location = d.Location
	}
	if c.Weights == nil {
		c.Weights = d.Weights
	}
	setD(&c.TrendWindow, d.TrendWindow)
	setF(&c.DeclineDrop, d.DeclineDrop)
	setD(&c.CustomerGrace, d.CustomerGrace)
	setD(&c.ObjectionGrace, d.ObjectionGrace)
	setD(&c.Lookback, d.Lookback)
	setD(&c.PaymentWindow, d.PaymentWindow)
	if c.PaymentRepeat <= 0 {
		c.PaymentRepeat = d.PaymentRepeat
	}
	setF(&c.DarkFactor, d.DarkFactor)
	setD(&c.DarkMinGap, d.DarkMinGap)
	setD(&c.ThreadWindow, d.ThreadWindow)
	setD(&c.ThreadMinSpan, d.ThreadMinSpan)
	setD(&c.DepartureWindow, d.DepartureWindow)
	setD(&c.ChampionLookback, d.ChampionLookback)
	return c
}

// Option adjusts the configuration of one Evaluate call. Any
// func(*Config) is an Option.
type Option func(*Config)

// WithConfig makes Evaluate use c; zero fields of c take their defaults.
func WithConfig(c Config) Option {
	return func(dst *Config) { *dst = c }
}

// WithWeights makes Evaluate use the signal table w.
func WithWeights(w Weights) Option {
	return func(c *Config) { c.Weights = w }
}
