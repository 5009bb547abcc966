package bot

import (
	"context"
	"slices"
	"strconv"

	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/llm"
	"github.com/scamguard/scamguard/review"
)

// consultLLM asks the LLM about a grey-zone verdict (the judge decides
// whether a case is grey, debounces, caches and keeps within budget). A
// verdict a moderator's fingerprint settled needs no model. Whatever the
// model does, the answer keeps the heuristic verdict unless the model's
// answer was valid; the judge's own timeout bounds the wait.
func (b *Bot) consultLLM(ctx context.Context, chat int64, br *burst, verdict classifier.Verdict, lang string) classifier.Verdict {
	if b.deps.Judge == nil || !b.deps.Judge.Enabled() || slices.Contains(verdict.Engines, review.EngineFingerprint) {
		return verdict
	}
	var window []classifier.Message
	firstIndex := 0
	if br.degraded || len(br.window) == 0 {
		window = br.fallback
	} else {
		firstIndex = int(br.window[0].Seq - 1)
		for _, e := range br.window {
			window = append(window, classifier.Message{From: classifier.Speaker(e.From), Text: e.Text})
		}
	}
	if len(window) == 0 {
		return verdict
	}
	if lang == "auto" {
		lang = catalog.NormalizeLang(verdict.Language)
	}
	result := b.deps.Judge.Review(ctx, llm.Request{
		Verdict:      verdict,
		Window:       window,
		FirstIndex:   firstIndex,
		Lang:         lang,
		User:         strconv.FormatInt(br.user, 10),
		Conversation: strconv.FormatInt(chat, 10),
	})
	b.metrics.llm.WithLabelValues(string(result.Outcome)).Inc()
	if result.Failed {
		b.log.Warn("LLM review failed; the heuristic verdict stands", "chat", chat, "reason", result.Reason)
	}
	return result.Verdict
}
