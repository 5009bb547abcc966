package conversation

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/region"
	"github.com/scamguard/scamguard/store"
)

// Answer is what the bot told a chat, kept under the id its buttons carry:
// a "why / more" press renders the whole reply from it, an "I already did
// it" press the steps after the loss, and the next burst compares with it
// to send a short update instead of the same reply again. It is also the
// review draft of the reply: a 👎 or "ask a human" builds the case for
// moderators from it and from the conversation's window (which holds the
// messages it covered, FirstSeq to LastSeq, under the same TTL), so no
// copy of the conversation is kept per answer. The store keeps it
// redacted (the verdict's quotes too).
type Answer struct {
	Verdict classifier.Verdict `json:"verdict"`
	// Lang and Region are the reply options it was rendered with ("auto"
	// or a language; a region only when it was set or usable).
	Lang   string `json:"lang"`
	Region string `json:"region,omitempty"`
	// Consent records that the reply carried the consent button, so an
	// expanded reply keeps it.
	Consent bool `json:"consent,omitempty"`
	// User is who the answer was for (0: not known); only they may press
	// its review buttons.
	User int64 `json:"user,omitempty"`
	// Created is when the bot answered.
	Created time.Time `json:"created,omitzero"`
	// FirstSeq and LastSeq are the window the verdict was computed on
	// (store.Entry.Seq of its first and last message); zero in answers
	// kept before they were recorded.
	FirstSeq, LastSeq int64
	// Feedback is "helpful" once the user pressed 👍 on an answer not
	// queued for review, so a case queued later shows it.
	Feedback string `json:"feedback,omitempty"`
}

// ErrNoAnswer is an answer the chat does not have (expired, forgotten,
// another chat's).
var ErrNoAnswer = store.ErrNoAnswer

// SaveAnswer keeps a under id as chat's latest answer.
func (b *Room) SaveAnswer(ctx context.Context, chat int64, id string, a Answer) error {
	blob, err := encodeAnswer(a)
	if err != nil {
		return fmt.Errorf("encode answer %s of chat %d: %w", id, chat, err)
	}
	return b.Store.SaveAnswer(ctx, chat, id, blob)
}

// ReplaceAnswer changes chat's answer id (its feedback) without making it
// the latest; ErrNoAnswer when the chat no longer keeps it.
func (b *Room) ReplaceAnswer(ctx context.Context, chat int64, id string, a Answer) error {
	blob, err := encodeAnswer(a)
	if err != nil {
		return fmt.Errorf("encode answer %s of chat %d: %w", id, chat, err)
	}
	return b.Store.ReplaceAnswer(ctx, chat, id, blob)
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

// answerFormat is the version of storedAnswer. An answer kept before
// versions has no "f" and is an Answer as JSON (its verdict whole); it
// still reads, so buttons under replies sent before an upgrade work.
const answerFormat = 2

// storedAnswer is an Answer as the store keeps it: short keys, and each
// signal an array (storedHit) instead of an object with its field names,
// which is what made an answer 3–7 KB of JSON. Start and End (byte
// offsets in the original text, which nothing after the answer reads:
// replies and cases quote Match) are not kept.
type storedAnswer struct {
	Format      int              `json:"f"`
	Level       classifier.Level `json:"l"`
	Score       float64          `json:"s"`
	Type        string           `json:"t,omitempty"`
	Stage       string           `json:"st,omitempty"`
	Frame       classifier.Frame `json:"fr,omitempty"`
	Brand       string           `json:"b,omitempty"`
	Signals     []storedHit      `json:"sg,omitempty"`
	HardStop    bool             `json:"h,omitempty"`
	Engines     []string         `json:"e,omitempty"`
	FirstAlert  int              `json:"fa"`
	Language    string           `json:"vl,omitempty"`
	Explanation string           `json:"x,omitempty"`
	Lang        string           `json:"rl,omitempty"`
	Region      string           `json:"r,omitempty"`
	Consent     bool             `json:"c,omitempty"`
	User        int64            `json:"u,omitempty"`
	Created     int64            `json:"at,omitempty"`
	FirstSeq    int64            `json:"from,omitempty"`
	LastSeq     int64            `json:"to,omitempty"`
	Feedback    string           `json:"fb,omitempty"`
	// Verdict is set only in an answer kept before formats (Format 0).
	Verdict *classifier.Verdict `json:"verdict,omitempty"`
}

// storedHit is classifier.Hits that differ only in their message, as
// one array (storedAnswer): [id, message index or indexes, role, act,
// weight, speaker, match]. A script repeated over a conversation matches
// the same phrases again; each is kept once, with where it was seen.
type storedHit struct {
	classifier.Hit
	// Messages are the message indexes of the hits after the first
	// (Hit.MessageIndex).
	Messages []int
}

func (h storedHit) MarshalJSON() ([]byte, error) {
	var where any = h.MessageIndex
	if len(h.Messages) > 0 {
		where = append([]int{h.MessageIndex}, h.Messages...)
	}
	return json.Marshal([]any{h.Signal, where, h.Role, h.Act, h.Weight, h.Speaker, h.Match})
}

func (h *storedHit) UnmarshalJSON(blob []byte) error {
	var parts []json.RawMessage
	if err := json.Unmarshal(blob, &parts); err != nil {
		return err
	}
	if len(parts) != 7 {
		return fmt.Errorf("a stored signal has %d parts, want 7", len(parts))
	}
	var where []int
	if len(parts[1]) > 0 && parts[1][0] != '[' {
		parts[1] = append(append([]byte{'['}, parts[1]...), ']')
	}
	into := []any{&h.Signal, &where, &h.Role, &h.Act, &h.Weight, &h.Speaker, &h.Match}
	for i, part := range parts {
		if err := json.Unmarshal(part, into[i]); err != nil {
			return fmt.Errorf("stored signal part %d: %w", i, err)
		}
	}
	if len(where) == 0 {
		return fmt.Errorf("a stored signal has no message")
	}
	h.MessageIndex, h.Messages = where[0], where[1:]
	return nil
}

// storedHits groups hits that differ only in their message, in the order
// of their first.
func storedHits(hits []classifier.Hit) []storedHit {
	var out []storedHit
	group := map[classifier.Hit]int{}
	for _, h := range hits {
		key := h
		key.MessageIndex, key.Start, key.End = 0, 0, 0
		if i, ok := group[key]; ok {
			out[i].Messages = append(out[i].Messages, h.MessageIndex)
			continue
		}
		group[key] = len(out)
		h.Start, h.End = 0, 0
		out = append(out, storedHit{Hit: h})
	}
	return out
}

// hitsOf reverses storedHits, in message order as the verdict had them.
func hitsOf(stored []storedHit) []classifier.Hit {
	var hits []classifier.Hit
	for _, h := range stored {
		hits = append(hits, h.Hit)
		for _, index := range h.Messages {
			again := h.Hit
			again.MessageIndex = index
			hits = append(hits, again)
		}
	}
	slices.SortStableFunc(hits, func(a, b classifier.Hit) int { return cmp.Compare(a.MessageIndex, b.MessageIndex) })
	return hits
}

func encodeAnswer(a Answer) ([]byte, error) {
	v := a.Verdict
	stored := storedAnswer{
		Format: answerFormat, Level: v.Level, Score: v.Score, Type: v.Type, Stage: v.Stage, Frame: v.Frame,
		Brand: v.Brand, HardStop: v.HardStop, Engines: v.Engines, FirstAlert: v.FirstAlertIndex,
		Language: v.Language, Explanation: v.Explanation, Lang: a.Lang, Region: a.Region, Consent: a.Consent,
		User: a.User, FirstSeq: a.FirstSeq, LastSeq: a.LastSeq, Feedback: a.Feedback,
	}
	if !a.Created.IsZero() {
		stored.Created = a.Created.Unix()
	}
	stored.Signals = storedHits(v.Signals)
	return json.Marshal(stored)
}

func decodeAnswer(blob []byte) (Answer, error) {
	var stored storedAnswer
	if err := json.Unmarshal(blob, &stored); err != nil {
		return Answer{}, fmt.Errorf("decode answer: %w", err)
	}
	a := Answer{Lang: stored.Lang, Region: stored.Region, Consent: stored.Consent, User: stored.User,
		FirstSeq: stored.FirstSeq, LastSeq: stored.LastSeq, Feedback: stored.Feedback}
	if stored.Format == 0 {
		// Kept before formats: {"verdict", "lang", "region", "consent"}.
		var old struct {
			Verdict classifier.Verdict `json:"verdict"`
			Lang    string             `json:"lang"`
			Region  string             `json:"region"`
			Consent bool               `json:"consent"`
		}
		if err := json.Unmarshal(blob, &old); err != nil {
			return Answer{}, fmt.Errorf("decode answer: %w", err)
		}
		return Answer{Verdict: old.Verdict, Lang: old.Lang, Region: old.Region, Consent: old.Consent}, nil
	}
	if stored.Format != answerFormat {
		// A newer format, written by a newer replica during a rolling
		// upgrade: its buttons answer that it expired rather than misread.
		return Answer{}, fmt.Errorf("decode answer: format %d: %w", stored.Format, ErrNoAnswer)
	}
	if stored.Created != 0 {
		a.Created = time.Unix(stored.Created, 0)
	}
	a.Verdict = classifier.Verdict{
		Level: stored.Level, Score: stored.Score, Type: stored.Type, Stage: stored.Stage, Frame: stored.Frame,
		Brand: stored.Brand, HardStop: stored.HardStop, Engines: stored.Engines, FirstAlertIndex: stored.FirstAlert,
		Language: stored.Language, Explanation: stored.Explanation,
	}
	a.Verdict.Signals = hitsOf(stored.Signals)
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
