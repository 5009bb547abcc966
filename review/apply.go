package review

import (
	"slices"

	"github.com/scamguard/scamguard/classifier"
)

// EngineFingerprint names the fingerprint engine in Verdict.Engines.
const EngineFingerprint = "fingerprint"

// knownScamScore is the score a known script is raised to: certain enough
// to be a scam at any sensitivity (the classifier calls 0.80 a scam).
const knownScamScore = 0.95

// Apply folds the fingerprint lookups into the classifier's verdict: a
// known scam script raises the verdict to scam (no LLM needed); a known
// honest conversation may lower suspicious to none, but never a scam and
// never a hard stop (a demand for gift cards or a "safe account" stays a
// warning whatever a moderator once dismissed). When both match, the scam
// wins.
func Apply(v classifier.Verdict, knownScam, knownLegit bool) classifier.Verdict {
	switch {
	case knownScam:
		if !slices.Contains(v.Engines, EngineFingerprint) {
			v.Engines = append(slices.Clone(v.Engines), EngineFingerprint)
		}
		v.Level = classifier.LevelScam
		v.Score = max(v.Score, knownScamScore)
	case knownLegit && v.Level == classifier.LevelSuspicious && !v.HardStop:
		v.Level = classifier.LevelNone
		v.Engines = append(slices.Clone(v.Engines), EngineFingerprint)
	}
	return v
}
