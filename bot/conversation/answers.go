package conversation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/region"
	"github.com/scamguard/scamguard/store"
)

// Answer is what the bot told a chat, kept under the id its buttons carry:
// a "why / more" press renders the whole reply from it, an "I already did
// it" press the steps after the loss, and the next burst compares with it
// to send a short update instead of the same reply again. The store keeps
// it redacted (the verdict's quotes too).
type Answer struct {
	Verdict classifier.Verdict `json:"verdict"`
	// Lang and Region are the reply options it was rendered with ("auto"
	// or a language; a region only when it was set or usable).
	Lang   string `json:"lang"`
	Region string `json:"region,omitempty"`
	// Consent records that the reply carried the consent button, so an
	// expanded reply keeps it.
	Consent bool `json:"consent,omitempty"`
}

// ErrNoAnswer is an answer the chat does not have (expired, forgotten,
// another chat's).
var ErrNoAnswer = store.ErrNoAnswer

// SaveAnswer keeps a under id as chat's latest answer.
func (b *Room) SaveAnswer(ctx context.Context, chat int64, id string, a Answer) error {
	blob, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("encode answer %s of chat %d: %w", id, chat, err)
	}
	return b.Store.SaveAnswer(ctx, chat, id, blob)
}

// LoadAnswer returns chat's answer id; ErrNoAnswer when there is none.
func (b *Room) LoadAnswer(ctx context.Context, chat int64, id string) (Answer, error) {
	blob, err := b.Store.Answer(ctx, chat, id)
	if err != nil {
		return Answer{}, err
	}
	return decodeAnswer(blob)
}

// LastAnswer returns chat's latest answer in this conversation; ErrNoAnswer
// when there is none.
func (b *Room) LastAnswer(ctx context.Context, chat int64) (Answer, error) {
	_, blob, err := b.Store.LastAnswer(ctx, chat)
	if err != nil {
		return Answer{}, err
	}
	return decodeAnswer(blob)
}

func decodeAnswer(blob []byte) (Answer, error) {
	var a Answer
	if err := json.Unmarshal(blob, &a); err != nil {
		return a, fmt.Errorf("decode answer: %w", err)
	}
	return a, nil
}

// IsNoAnswer reports an answer that is not there, as opposed to a store
// that failed.
func IsNoAnswer(err error) bool { return errors.Is(err, store.ErrNoAnswer) }

// Where is the evidence of where a user lives, for RegionOf.
type Where struct {
	// Setting is the chat's /region; LanguageCode the user's Telegram
	// language_code.
	Setting, LanguageCode string
	// Texts are the conversation's messages (the burst's as received).
	Texts   []string
	Verdict classifier.Verdict
}

// RegionOf guesses where the user lives. A reply takes the region only
// when the guess is Usable; the bot asks once when it is not Sure.
func (b *Room) RegionOf(w Where) region.Guess {
	e := region.Evidence{Setting: w.Setting, LanguageCode: w.LanguageCode, Texts: w.Texts, Script: w.Verdict.Language}
	if w.Verdict.Brand != "" {
		e.Brands = []string{w.Verdict.Brand}
	}
	return b.Regions.Infer(e)
}

// UsableRegion is the region a reply may show lines of: the guess's when
// it is usable, else none (the brand's own channel and advice that holds
// anywhere).
func UsableRegion(g region.Guess) string {
	if g.Usable() {
		return g.Region
	}
	return ""
}
