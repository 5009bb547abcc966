package review

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestUnansweredIsHandedBackOnceAfterARestart: a case whose user asked a
// human and that nobody decided is handed back once, when due, by a queue
// built afresh over the same Redis (a restarted or another replica); a
// case decided in time, one only 👎'd, and one not yet due are not.
func TestUnansweredIsHandedBackOnceAfterARestart(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	asked := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return asked }
	const within = 24 * time.Hour
	before := New(st, Config{Moderators: NewModerators(modA), Now: clock, AnswerWithin: within})
	draft := func(chat int64, reason string) string {
		t.Helper()
		id, err := before.Draft(ctx, scamCase(chat))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := before.Submit(ctx, chat, id, reason); err != nil {
			t.Fatal(err)
		}
		return id
	}
	unanswered := draft(1, ReasonAskHuman)
	if _, err := before.Submit(ctx, 1, unanswered, ReasonAskHuman); err != nil { // pressed twice
		t.Fatal(err)
	}
	decided := draft(2, ReasonAskHuman)
	draft(3, ReasonWrong)
	if _, err := before.Decide(ctx, decided, Decision{By: modA, Outcome: OutcomeScam}); err != nil {
		t.Fatal(err)
	}
	if due, err := before.Unanswered(ctx, asked.Add(within-time.Second)); err != nil || len(due) != 0 {
		t.Fatalf("a second before the answer is due: %d cases (%v), want none", len(due), err)
	}

	after := New(st, Config{Moderators: NewModerators(modA), Now: clock, AnswerWithin: within})
	due, err := after.Unanswered(ctx, asked.Add(within))
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 1 || due[0].ID != unanswered || due[0].Chat != 1 {
		t.Fatalf("when due, after a restart: %+v; want case %s alone", due, unanswered)
	}
	if again, err := after.Unanswered(ctx, asked.Add(2*within)); err != nil || len(again) != 0 {
		t.Errorf("the case was handed back twice: %+v (%v)", again, err)
	}
	if _, err := before.Submit(ctx, 1, unanswered, ReasonAskHuman); err != nil { // asked again after being told
		t.Fatal(err)
	}
	if again, err := after.Unanswered(ctx, asked.Add(3*within)); err != nil || len(again) != 0 {
		t.Errorf("a case already told was handed back again: %+v (%v)", again, err)
	}
}

// TestUnansweredText: the user hears, in their language, that nobody could
// look yet, that the bot's answer stands, and to verify through official
// channels — a warning's and a "no signs" reply's differently.
func TestUnansweredText(t *testing.T) {
	warned := scamCase(1)
	quiet := scamCase(1)
	quiet.Verdict.Level = "none"
	tests := []struct {
		name string
		c    Case
		lang string
		want []string
	}{
		{"warning, Simplified", warned, "zh", []string{"还没有审核员", "提醒不变", "官方App"}},
		{"warning, Traditional", warned, "zh-Hant", []string{"還沒有審核員", "提醒不變"}},
		{"warning, English", warned, "en", []string{"No reviewer", "warning stands", "official app"}},
		{"no signs, English", quiet, "en", []string{"No reviewer", "no known scam signs", "official app"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.c.Language = tt.lang
			got := UnansweredText(tt.c)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("UnansweredText lacks %q: %q", w, got)
				}
			}
		})
	}
}
