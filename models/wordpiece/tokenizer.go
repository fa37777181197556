package wordpiece

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/sugarme/tokenizer"
	"github.com/sugarme/tokenizer/pretrained"
)

// Tokenizer encodes sentences into fixed-length model inputs. It wraps a
// github.com/sugarme/tokenizer loaded from a tokenizer.json and enforces the
// truncation and padding of the model it belongs to, whatever the file says.
//
// A Tokenizer is safe for concurrent use.
type Tokenizer struct {
	tk        *tokenizer.Tokenizer
	maxLength int
	vocabSize int
}

// Encoding is one encoded sentence. IDs and Mask have the tokenizer's
// MaxLength entries; positions past Len are padding with mask 0.
type Encoding struct {
	IDs  []int64
	Mask []int64
	// Tokens are the token strings, padding included.
	Tokens []string
	// Len counts the real tokens, [CLS] and [SEP] included.
	Len int
}

// Load reads a tokenizer.json and returns a Tokenizer producing maxLength
// tokens per sentence.
func Load(path string, maxLength int) (*Tokenizer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("wordpiece: %w", err)
	}
	t, err := New(data, maxLength)
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, path)
	}
	return t, nil
}

// New parses tokenizer.json content and returns a Tokenizer producing
// maxLength tokens per sentence.
func New(tokenizerJSON []byte, maxLength int) (t *Tokenizer, err error) {
	if maxLength < 3 {
		return nil, fmt.Errorf("wordpiece: max length %d leaves no room between [CLS] and [SEP]", maxLength)
	}
	// sugarme/tokenizer type-asserts JSON fields without checking them, so
	// a malformed file panics inside it instead of returning an error.
	defer func() {
		if r := recover(); r != nil {
			t, err = nil, fmt.Errorf("wordpiece: malformed tokenizer.json: %v", r)
		}
	}()
	tk, err := pretrained.FromReader(bytes.NewReader(tokenizerJSON))
	if err != nil {
		return nil, fmt.Errorf("wordpiece: parse tokenizer.json: %w", err)
	}
	if tk.GetModel() == nil {
		return nil, fmt.Errorf("wordpiece: tokenizer.json has no model")
	}
	if tk.GetPreTokenizer() == nil {
		return nil, fmt.Errorf("wordpiece: tokenizer.json has no pre_tokenizer")
	}
	for id, want := range specialTokens {
		if got, ok := tk.IdToToken(id); !ok || got != want {
			return nil, fmt.Errorf("wordpiece: tokenizer.json id %d is %q, want %q", id, got, want)
		}
	}
	tk.WithTruncation(&tokenizer.TruncationParams{
		MaxLength: maxLength,
		Strategy:  tokenizer.LongestFirst,
	})
	tk.WithPadding(&tokenizer.PaddingParams{
		Strategy:  *tokenizer.NewPaddingStrategy(tokenizer.WithFixed(maxLength)),
		Direction: tokenizer.Right,
		PadId:     PadID,
		PadToken:  PadToken,
	})
	return &Tokenizer{tk: tk, maxLength: maxLength, vocabSize: tk.GetVocabSize(true)}, nil
}

// MaxLength is the number of tokens of every encoding.
func (t *Tokenizer) MaxLength() int { return t.maxLength }

// VocabSize is the number of token ids, special tokens included.
func (t *Tokenizer) VocabSize() int { return t.vocabSize }

// Encode tokenises one sentence of space-joined words. Any Unicode space
// separates words, the ideographic space U+3000 included. Text that is empty
// or only whitespace encodes to just [CLS] [SEP].
func (t *Tokenizer) Encode(sentence string) (enc Encoding, err error) {
	if !utf8.ValidString(sentence) {
		return Encoding{}, fmt.Errorf("wordpiece: sentence is not valid UTF-8")
	}
	// sugarme/tokenizer splits only on ASCII whitespace; folding every
	// Unicode space to ' ' first matches the vocabulary, which was built
	// with strings.Fields, and the Hugging Face WhitespaceSplit.
	sentence = strings.Join(strings.Fields(sentence), " ")
	defer func() {
		// Guard against panics inside sugarme/tokenizer on unusual input;
		// one bad sentence must not bring the process down.
		if r := recover(); r != nil {
			enc, err = Encoding{}, fmt.Errorf("wordpiece: tokenise %q: %v", sentence, r)
		}
	}()
	en, err := t.tk.EncodeSingle(sentence, true)
	if err != nil {
		return Encoding{}, fmt.Errorf("wordpiece: tokenise %q: %w", sentence, err)
	}
	ids, mask := en.GetIds(), en.GetAttentionMask()
	if len(ids) != t.maxLength || len(mask) != t.maxLength || len(en.Tokens) != t.maxLength {
		return Encoding{}, fmt.Errorf("wordpiece: tokenise %q: got %d ids and %d mask entries, want %d",
			sentence, len(ids), len(mask), t.maxLength)
	}
	enc = Encoding{
		IDs:    make([]int64, t.maxLength),
		Mask:   make([]int64, t.maxLength),
		Tokens: en.Tokens,
	}
	for i := range ids {
		if ids[i] < 0 || ids[i] >= t.vocabSize {
			return Encoding{}, fmt.Errorf("wordpiece: tokenise %q: id %d outside the vocabulary of %d",
				sentence, ids[i], t.vocabSize)
		}
		enc.IDs[i] = int64(ids[i])
		enc.Mask[i] = int64(mask[i])
		if mask[i] != 0 {
			enc.Len++
		}
	}
	return enc, nil
}
