package review

import (
	"slices"
	"time"

	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/redact"
	"github.com/scamguard/scamguard/store"
)

// Why a case was queued for moderators.
const (
	// ReasonFlagged: the bot warned (scam or suspicious) in a chat whose
	// user agreed to share flagged conversations with reviewers.
	ReasonFlagged = "flagged_consented"
	// ReasonAskHuman: the user pressed "ask a human".
	ReasonAskHuman = "ask_human"
	// ReasonWrong: the user pressed 👎 on the bot's reply.
	ReasonWrong = "wrong"
)

// Status is where a case stands.
type Status string

// The statuses, as stored (the one definition: the store keeps whatever
// status it is given and compares only with those review names): a draft
// is kept only in case the user asks for a review; open cases wait for a
// moderator; the rest are decisions.
const (
	StatusDraft     Status = "draft"
	StatusOpen      Status = "open"
	StatusConfirmed Status = "confirmed"
	StatusDismissed Status = "dismissed"
	StatusSkipped   Status = "skipped"
)

// Outcome is a moderator's decision.
type Outcome string

// The outcomes: a confirmed scam (with its type), not a scam, or skipped
// (closed without a judgement; it counts in no statistic).
const (
	OutcomeScam  Outcome = "scam"
	OutcomeLegit Outcome = "legit"
	OutcomeSkip  Outcome = "skip"
)

// status is the case status an outcome leads to.
func (o Outcome) status() (Status, bool) {
	switch o {
	case OutcomeScam:
		return StatusConfirmed, true
	case OutcomeLegit:
		return StatusDismissed, true
	case OutcomeSkip:
		return StatusSkipped, true
	}
	return "", false
}

// Case is one conversation for moderators: what the user saw and why it
// was queued. It is JSON so that the bot, the console and the export read
// one shape; every text in it is redacted.
type Case struct {
	// ID is short and URL- and callback-safe ("rv:<id>" fits Telegram's 64
	// bytes of callback data); set by Draft when empty.
	ID string `json:"id"`
	// Chat is the private chat, User the person who asked.
	Chat int64 `json:"chat"`
	User int64 `json:"user"`
	// Reasons are why it was queued (Reason*), each once, in order.
	Reasons []string `json:"reasons,omitempty"`
	// Feedback is "helpful" (👍) or "unhelpful" (👎), empty when none.
	Feedback string `json:"feedback,omitempty"`
	// Transcript is the conversation the verdict is about, redacted.
	Transcript []Message `json:"transcript"`
	// Earlier is how many earlier messages the verdict was about that had
	// left the conversation's window when the case was queued: the
	// transcript starts after them, and signals in them have
	// MessageIndex -1 (their quotes stay).
	Earlier int `json:"earlier,omitempty"`
	// Verdict is what the bot concluded.
	Verdict Verdict `json:"verdict"`
	// Reply is the text the bot sent, redacted.
	Reply string `json:"reply"`
	// Language is the reply's language ("zh", "zh-Hant", "en").
	Language string `json:"lang"`
	// Created is when the bot replied; Queued when the case was queued.
	Created time.Time `json:"created"`
	Queued  time.Time `json:"queued,omitzero"`
	// Status is where the case stands.
	Status Status `json:"status"`
	// Decision is the moderators' last decision, nil while open.
	Decision *Decision `json:"decision,omitempty"`
	// Card is the case's message in the moderators' chat, nil if none.
	Card *Card `json:"card,omitempty"`
	// FollowUpSent is set once the user got the reviewer's follow-up.
	FollowUpSent bool `json:"follow_up_sent"`
}

// Message is one message of a transcript.
type Message struct {
	// From is "other" or "user" (classifier.Speaker).
	From string `json:"from"`
	// Text is redacted.
	Text string    `json:"text"`
	Time time.Time `json:"time,omitzero"`
}

// Verdict is the part of classifier.Verdict a reviewer reads.
type Verdict struct {
	Level    string   `json:"level"`
	Score    float64  `json:"score"`
	Type     string   `json:"type,omitempty"`
	Stage    string   `json:"stage,omitempty"`
	Brand    string   `json:"brand,omitempty"`
	HardStop bool     `json:"hard_stop,omitempty"`
	Signals  []Signal `json:"signals,omitempty"`
	Engines  []string `json:"engines,omitempty"`
}

// Signal is one piece of evidence: a signal id matched in a message.
type Signal struct {
	ID string `json:"id"`
	// MessageIndex indexes Transcript.
	MessageIndex int `json:"message_index"`
	// Match is the matched text, redacted; the console highlights it.
	Match string `json:"match"`
	Role  string `json:"role"`
	Act   string `json:"act"`
}

// Decision is a moderator's judgement of a case.
type Decision struct {
	// By is the moderator's Telegram user id.
	By int64 `json:"by"`
	// At is when it was taken; set by Decide when zero.
	At      time.Time `json:"at"`
	Outcome Outcome   `json:"outcome"`
	// Type is the scam type (catalog slug) for OutcomeScam; empty keeps
	// the bot's.
	Type string `json:"type,omitempty"`
}

// Card locates the case's message in the moderators' chat.
type Card struct {
	Chat    int64 `json:"chat"`
	Message int64 `json:"message"`
}

// VerdictOf converts the classifier's verdict; MessageIndex of its signals
// must index the transcript the case is drafted with.
func VerdictOf(v classifier.Verdict) Verdict {
	out := Verdict{
		Level: string(v.Level), Score: v.Score, Type: v.Type, Stage: v.Stage, Brand: v.Brand,
		HardStop: v.HardStop, Engines: append([]string(nil), v.Engines...),
	}
	for _, hit := range v.Signals {
		out.Signals = append(out.Signals, Signal{
			ID: hit.Signal, MessageIndex: hit.MessageIndex, Match: hit.Match, Role: string(hit.Role), Act: string(hit.Act),
		})
	}
	return out
}

// TranscriptOf converts a stored conversation window.
func TranscriptOf(window []store.Entry) []Message {
	out := make([]Message, len(window))
	for i, e := range window {
		out[i] = Message{From: e.From, Text: e.Text, Time: e.Time}
	}
	return out
}

// redacted returns c with every text redacted again: the caller may say
// its text is redacted, the store does not rely on it.
func (c Case) redacted() Case {
	c.Transcript = append([]Message(nil), c.Transcript...)
	for i := range c.Transcript {
		c.Transcript[i].Text = redact.Personal(c.Transcript[i].Text)
	}
	c.Verdict.Signals = append([]Signal(nil), c.Verdict.Signals...)
	for i := range c.Verdict.Signals {
		c.Verdict.Signals[i].Match = redact.Personal(c.Verdict.Signals[i].Match)
	}
	c.Reply = redact.Personal(c.Reply)
	return c
}

// Flagged reports whether the bot warned the user (scam or suspicious).
func (c Case) Flagged() bool {
	return c.Verdict.Level != string(classifier.LevelNone) && c.Verdict.Level != ""
}

// AskedHuman reports whether the user asked for a reviewer ("ask a human").
func (c Case) AskedHuman() bool { return slices.Contains(c.Reasons, ReasonAskHuman) }

// Agrees reports whether the decision says what the bot told the user: a
// scam it called a scam, or no scam where it did not warn.
func (c Case) Agrees() bool {
	if c.Decision == nil {
		return false
	}
	switch c.Decision.Outcome {
	case OutcomeScam:
		return c.Verdict.Level == string(classifier.LevelScam)
	case OutcomeLegit:
		return !c.Flagged()
	}
	return false
}

// FollowUpDue reports whether the user must hear from the reviewers: they
// asked for one (whatever the decision, an agreement or a skip included:
// a promised answer always comes), or the decision contradicts what the
// bot told them (a scam the bot did not call a scam, or no scam where the
// bot warned); and the follow-up was not sent. Send it only after
// ClaimFollowUp says this caller is the one to.
func (c Case) FollowUpDue() bool {
	if c.Decision == nil || c.FollowUpSent {
		return false
	}
	switch c.Decision.Outcome {
	case OutcomeScam, OutcomeLegit:
		return c.AskedHuman() || !c.Agrees()
	case OutcomeSkip:
		return c.AskedHuman()
	}
	return false
}

// FinalType is the scam type the moderators settled on, else the bot's.
func (c Case) FinalType() string {
	if c.Decision != nil && c.Decision.Type != "" {
		return c.Decision.Type
	}
	return c.Verdict.Type
}

// otherTexts are the other party's messages: the script a fingerprint is
// taken from. The user's own words are never fingerprinted.
func (c Case) otherTexts() []string {
	var texts []string
	for _, m := range c.Transcript {
		if m.From == string(classifier.SpeakerOther) {
			texts = append(texts, m.Text)
		}
	}
	return texts
}
