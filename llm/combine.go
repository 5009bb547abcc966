package llm

import (
	"github.com/scamguard/scamguard/classifier"
)

// combine applies an answer to the heuristic verdict. The rules, in
// order of precedence:
//
//   - a hard stop is never lowered;
//   - the answer may raise the level (with RaiseConfidence);
//   - it may lower the level only when the heuristic score is inside the
//     grey zone, with LowerConfidence, and when no message speaks to the
//     classifier (an honest conversation has no reason to);
//   - it names the type, stage and brand only where the heuristics left
//     them empty, and only while the verdict is a warning;
//   - its reasons become the Explanation only when it agrees that the
//     verdict is a warning: an answer that was overruled must not explain
//     the verdict it disputed, and "none" is never explained ("no known
//     signs" is all anyone can say).
func (j *Judge) combine(req Request, a Answer) classifier.Verdict {
	v := req.Verdict
	v.Signals = append([]classifier.Hit(nil), v.Signals...)
	v.Engines = append(append([]string(nil), v.Engines...), "llm")
	before := v.Level
	switch {
	case a.Level == before:
	case a.Level.AtLeast(before):
		if a.Confidence >= j.cfg.RaiseConfidence {
			v.Level = a.Level
		}
	default:
		if !v.HardStop && j.cfg.InGreyZone(v.Score) && a.Confidence >= j.cfg.LowerConfidence && !SpeaksToClassifier(req.Window) {
			v.Level = a.Level
		}
	}
	if v.Level == classifier.LevelNone {
		// "No known scam signs" with a scam type would contradict itself.
		v.Type, v.Stage = "", ""
	} else {
		if v.Type == "" {
			v.Type = a.Type
		}
		if v.Stage == "" {
			v.Stage = a.Stage
		}
		if v.Brand == "" {
			v.Brand = a.Brand
		}
	}
	if !before.AtLeast(classifier.LevelSuspicious) && v.Level.AtLeast(classifier.LevelSuspicious) && v.FirstAlertIndex < 0 {
		v.FirstAlertIndex = req.FirstIndex + len(req.Window) - 1
	}
	if v.Level != classifier.LevelNone && a.Level != classifier.LevelNone {
		v.Explanation = a.Explanation()
	}
	return v
}
