package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// Role says what a user may see and do.
type Role string

// The roles.
const (
	// RoleRep is a sales rep: their own accounts only.
	RoleRep Role = "rep"
	// RoleDelivery is delivery / implementation (交付/实施): every account,
	// but delivery facts only; commercial terms are redacted.
	RoleDelivery Role = "delivery"
	// RoleManager sees the accounts of their team.
	RoleManager Role = "manager"
	// RoleOps sees everything and changes nothing.
	RoleOps Role = "ops"
	// RoleAdmin sees everything and may change item statuses.
	RoleAdmin Role = "admin"
)

var roles = []Role{RoleRep, RoleDelivery, RoleManager, RoleOps, RoleAdmin}

// User is one entry of the users file. Only the SHA-256 of a token is
// stored, so the file does not hand out access to whoever reads it.
type User struct {
	// TokenSHA256 is the hex SHA-256 of the user's bearer token; see
	// HashToken.
	TokenSHA256 string `json:"token_sha256"`
	Name        string `json:"name"`
	Role        Role   `json:"role"`
	// RepID is the vendor participant id of a rep (or of a manager who
	// also sells).
	RepID string `json:"rep_id,omitempty"`
	// Team lists the rep ids a manager is responsible for.
	Team []string `json:"team,omitempty"`

	hash [sha256.Size]byte
}

// HashToken returns the hex SHA-256 of a token, as TokenSHA256 holds it.
// Surrounding white space, such as the newline of a token read from a
// file, is not part of the token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(token)))
	return hex.EncodeToString(sum[:])
}

// ReadUsers decodes and checks a users file: a JSON array of User.
func ReadUsers(r io.Reader) ([]User, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var users []User
	if err := dec.Decode(&users); err != nil {
		return nil, fmt.Errorf("api: users: %w", err)
	}
	if err := checkUsers(users); err != nil {
		return nil, fmt.Errorf("api: users: %w", err)
	}
	return users, nil
}

// ReadUsersFile reads the users file at path; see ReadUsers.
func ReadUsersFile(path string) ([]User, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("api: users: %w", err)
	}
	defer f.Close()
	users, err := ReadUsers(f)
	if err != nil {
		return nil, fmt.Errorf("%w (file %s)", err, path)
	}
	return users, nil
}

// checkUsers validates users and fills in their decoded hashes.
func checkUsers(users []User) error {
	seen := make(map[string]int, len(users))
	for i := range users {
		u := &users[i]
		where := fmt.Sprintf("user %d (%q)", i, u.Name)
		if u.Name == "" {
			return fmt.Errorf("user %d: no name", i)
		}
		if !slices.Contains(roles, u.Role) {
			return fmt.Errorf("%s: role %q is not one of rep, delivery, manager, ops, admin", where, u.Role)
		}
		raw, err := hex.DecodeString(u.TokenSHA256)
		if err != nil || len(raw) != sha256.Size {
			return fmt.Errorf("%s: token_sha256 is not 64 hex digits (use guanxi serve --hash-token)", where)
		}
		key := strings.ToLower(u.TokenSHA256)
		if j, dup := seen[key]; dup {
			return fmt.Errorf("%s: same token as user %d", where, j)
		}
		seen[key] = i
		copy(u.hash[:], raw)
		switch u.Role {
		case RoleRep:
			if u.RepID == "" {
				return fmt.Errorf("%s: a rep needs rep_id", where)
			}
		case RoleManager:
			if len(u.Team) == 0 && u.RepID == "" {
				return fmt.Errorf("%s: a manager needs team", where)
			}
		}
	}
	return nil
}

// authenticate returns the user a bearer token belongs to. Every user's
// hash is compared, in constant time, so the time taken says nothing about
// which or how much of a hash matched.
func authenticate(users []User, token string) (*User, bool) {
	sum := sha256.Sum256([]byte(token))
	var found *User
	for i := range users {
		if subtle.ConstantTimeCompare(sum[:], users[i].hash[:]) == 1 {
			found = &users[i]
		}
	}
	return found, found != nil
}

// reps lists the rep ids whose accounts a user sees; nil for roles that
// see every account.
func (u *User) reps() []string {
	switch u.Role {
	case RoleRep:
		return []string{u.RepID}
	case RoleManager:
		out := slices.Clone(u.Team)
		if u.RepID != "" {
			out = append(out, u.RepID)
		}
		return out
	}
	return nil
}
