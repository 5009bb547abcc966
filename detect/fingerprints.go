package detect

import (
	"context"

	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/review"
)

// KnownScripts answers whether a conversation's script was decided by
// moderators before (review.Queue, through review/fingerprint).
type KnownScripts interface {
	// KnownScam reports whether the other party's messages repeat a script
	// moderators confirmed as a scam, and which case.
	KnownScam(ctx context.Context, others []string) (bool, string, error)
	// KnownLegit is KnownScam for scripts moderators dismissed.
	KnownLegit(ctx context.Context, others []string) (bool, string, error)
}

// fingerprints is the stage of scripts moderators decided.
type fingerprints struct {
	known KnownScripts
}

// NameFingerprints is the fingerprint stage's name.
const NameFingerprints = "fingerprints"

// Fingerprints is the stage that raises a verdict whose script moderators
// confirmed before (engine review.EngineFingerprint, no LLM needed) and
// lowers a suspicious one they dismissed (never a hard stop), following
// review.Apply. With known nil (no review store) it reports Skipped.
func Fingerprints(known KnownScripts) Stage { return fingerprints{known: known} }

func (fingerprints) Name() string { return NameFingerprints }

func (f fingerprints) Run(ctx context.Context, req *Request, v classifier.Verdict) Decision {
	if f.known == nil {
		return Decision{Verdict: v, Outcome: Skipped, Reason: "no review store"}
	}
	// Only the other party's messages are compared: that is the script.
	var others []string
	for _, m := range req.Messages {
		if m.From == classifier.SpeakerOther {
			others = append(others, m.Text)
		}
	}
	if len(others) == 0 {
		return Decision{Verdict: v, Outcome: Skipped, Reason: "no message from the other party"}
	}
	scam, caseID, err := f.known.KnownScam(ctx, others)
	if err != nil {
		return Decision{Verdict: v, Outcome: Failed, Reason: "fingerprint lookup failed", Err: err}
	}
	if scam {
		return Decision{Verdict: review.Apply(v, true, false), Reason: "repeats the script of confirmed case " + caseID, Detail: "scam"}
	}
	if v.Level != classifier.LevelSuspicious {
		return Decision{Verdict: v, Reason: "no confirmed script matches"}
	}
	legit, caseID, err := f.known.KnownLegit(ctx, others)
	if err != nil {
		return Decision{Verdict: v, Outcome: Failed, Reason: "fingerprint lookup failed", Err: err}
	}
	if !legit {
		return Decision{Verdict: v, Reason: "no decided script matches"}
	}
	d := Decision{Verdict: review.Apply(v, false, true), Reason: "repeats the script of dismissed case " + caseID, Detail: "legit"}
	if v.HardStop {
		d.Reason = "repeats a dismissed script, but a hard stop stays"
	}
	return d
}
