package llm

import (
	"testing"
)

// BenchmarkPrepare measures the request build: scrub, frame, hash and
// render a 20-message window.
func BenchmarkPrepare(b *testing.B) {
	j := newJudge(b, "http://127.0.0.1:1/v1", nil)
	req := request(b, greyBank+"\n"+greyCourier+"\nDear John Smith, call +86 138 1234 5678 or visit https://x.top/a?b=c")
	for len(req.Window) < 20 {
		req.Window = append(req.Window, req.Window...)
	}
	req.Window = req.Window[:20]
	b.ReportAllocs()
	for b.Loop() {
		p, err := prepare(req.Window, req.Verdict.Signals, "en", j.cfg.MaxMessages, j.cfg.MaxMessageRunes)
		if err != nil {
			b.Fatal(err)
		}
		p.cacheKey(j.cfg.Model)
		if _, _, err := p.chat(j.types, j.brands); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseAnswer measures finding, decoding and validating an answer.
func BenchmarkParseAnswer(b *testing.B) {
	idx := testIndex(b)
	content := "```json\n" + scamAnswer.JSON("c") + "\n```"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseAnswer(content, "c", idx); err != nil {
			b.Fatal(err)
		}
	}
}
