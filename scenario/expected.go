package scenario

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/guanxi-dev/guanxi/scoring"
)

// Expected is an analyst's reading of a scenario set (expected.json).
type Expected struct {
	// AsOf is the day the accounts are judged, YYYY-MM-DD (the end of that
	// day in China) or RFC 3339.
	AsOf     string            `json:"as_of"`
	Accounts []ExpectedAccount `json:"accounts"`
}

// ExpectedAccount is what the analyst concludes about one account.
type ExpectedAccount struct {
	AccountID string         `json:"account_id"`
	Name      string         `json:"name"`
	AtRisk    bool           `json:"at_risk"`
	Warnings  []scoring.Kind `json:"warnings"`
	// TrustRank ranks the accounts per dimension, 1 = most trusted.
	TrustRank map[scoring.Dimension]int `json:"trust_rank"`
	// Why is the analyst's reason, in a sentence or two.
	Why string `json:"why"`
}

// chinaTime is where a bare as_of date is read.
var chinaTime = time.FixedZone("CST", 8*3600)

// Time returns the moment the accounts are judged: a bare date means the
// end of that day in China, so that everything said on it counts.
func (e Expected) Time() (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, e.AsOf); err == nil {
		return t, nil
	}
	d, err := time.ParseInLocation(time.DateOnly, e.AsOf, chinaTime)
	if err != nil {
		return time.Time{}, fmt.Errorf("scenario: as_of %q is neither YYYY-MM-DD nor RFC 3339", e.AsOf)
	}
	return d.Add(24*time.Hour - time.Second), nil
}

// LoadExpected reads and checks an expected.json.
func LoadExpected(path string) (Expected, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return Expected{}, fmt.Errorf("scenario: read expectations: %w", err)
	}
	var e Expected
	if err := json.Unmarshal(raw, &e); err != nil {
		return Expected{}, fmt.Errorf("scenario: %s: %w", path, err)
	}
	if err := e.Validate(); err != nil {
		return Expected{}, fmt.Errorf("scenario: %s: %w", path, err)
	}
	return e, nil
}

// Validate reports every problem of the expectations: a missing or
// malformed as_of, accounts without id or listed twice, unknown warning
// kinds, and trust ranks that are not 1…n per dimension.
func (e Expected) Validate() error {
	var errs []error
	if _, err := e.Time(); err != nil {
		errs = append(errs, err)
	}
	if len(e.Accounts) == 0 {
		errs = append(errs, errors.New("no accounts"))
	}
	seen := map[string]bool{}
	for i, a := range e.Accounts {
		if a.AccountID == "" {
			errs = append(errs, fmt.Errorf("accounts[%d]: no account_id", i))
		} else if seen[a.AccountID] {
			errs = append(errs, fmt.Errorf("accounts[%d]: %s listed twice", i, a.AccountID))
		}
		seen[a.AccountID] = true
		for _, k := range a.Warnings {
			if !slices.Contains(scoring.Kinds, k) {
				errs = append(errs, fmt.Errorf("accounts[%d] %s: unknown warning kind %q", i, a.AccountID, k))
			}
		}
	}
	for _, d := range Dimensions {
		ranks := map[int]string{}
		for _, a := range e.Accounts {
			r, ok := a.TrustRank[d]
			if !ok {
				continue
			}
			switch {
			case r < 1 || r > len(e.Accounts):
				errs = append(errs, fmt.Errorf("%s: %s rank %d is outside 1…%d", a.AccountID, d, r, len(e.Accounts)))
			case ranks[r] != "":
				errs = append(errs, fmt.Errorf("%s: %s rank %d is also given to %s", a.AccountID, d, r, ranks[r]))
			default:
				ranks[r] = a.AccountID
			}
		}
	}
	return errors.Join(errs...)
}

// Dimensions are the trust dimensions, in the order they are reported.
var Dimensions = []scoring.Dimension{scoring.Technical, scoring.Commercial, scoring.Emotional}
