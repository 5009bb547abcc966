package bot_test

import (
	"strings"
	"testing"

	"github.com/scamguard/scamguard/bot/telegramtest"
)

// TestGuardianAlertFollowsTheGuardiansRegion: a guardian in Hong Kong
// (/region HK) alerted about a police "safe account" scam reads advice
// that names nothing of the mainland (the type's first "never does" line is
// "工商银行95588…"): guardian alerts follow the rule of a reply.
func TestGuardianAlertFollowsTheGuardiansRegion(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	const dad, son = 6201, 6202
	h.api.Push(telegramtest.Text(son, son, "/region HK"))
	h.waitSent(son, 1)
	h.api.Push(telegramtest.Text(dad, dad, "/guardian"))
	link := inviteLink.FindStringSubmatch(h.waitSent(dad, 1)[0].Params["text"])
	if link == nil {
		t.Fatal("/guardian gave no invitation link")
	}
	h.api.Push(telegramtest.Text(son, son, "/start "+link[2]))
	accept := callbackData(t, h.waitSent(son, 2)[1])[0]
	h.api.Push(telegramtest.Callback(son, son, 0, accept))
	h.waitSent(son, 3)
	h.waitSent(dad, 2)

	h.forwardBurst(dad, policeScam)
	h.waitSent(dad, 3)
	note := h.waitSent(son, 4)[3].Params["text"]
	for _, mainland := range []string{"95588", "95533", "工商", "建设", "建設"} {
		if strings.Contains(note, mainland) {
			t.Errorf("the Hong Kong guardian's alert shows %q:\n%s", mainland, note)
		}
	}
}
