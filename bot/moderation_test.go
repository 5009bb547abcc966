package bot_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scamguard/scamguard/bot/telegramtest"
	"github.com/scamguard/scamguard/review"
)

// welfareScript is a prize lure the heuristics call only suspicious: the
// kind of script moderators teach the bot through fingerprints.
var welfareScript = []string{
	"亲，我们店铺正在做周年庆回馈老客户的活动，您被抽中了免单资格哦",
	"活动名额有限，添加我们的福利专员微信就可以领取，今天之内有效",
}

const modChat, moderator, stranger = -100900, 900, 901

// buttonData returns the callback data of the reply's button whose data
// ends with action.
func buttonData(t testing.TB, call telegramtest.Call, action string) string {
	t.Helper()
	for _, data := range callbackData(t, call) {
		if strings.HasSuffix(data, ":"+action) {
			return data
		}
	}
	t.Fatalf("the reply has no %q button: %v", action, callbackData(t, call))
	return ""
}

func caseIDOf(data string) string { return strings.Split(data, ":")[1] }

func (h *harness) openCases(t testing.TB) []review.Case {
	t.Helper()
	cases, err := h.review.List(context.Background(), review.Filter{Status: review.StatusOpen})
	if err != nil {
		t.Fatal(err)
	}
	return cases
}

func TestConsentOffQueuesNothingConsentOnQueuesOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.enableReview(modChat, moderator)
	h.start()
	const chat = 8001
	h.forwardBurst(chat, foundingScam...)
	sent := h.waitSent(chat, 1)
	if cases := h.openCases(t); len(cases) != 0 {
		t.Fatalf("consent off, yet %d cases were queued", len(cases))
	}
	share := buttonData(t, sent[0], "share")
	for range 2 {
		h.api.Push(telegramtest.Callback(chat, chat, 0, share))
	}
	h.api.WaitCalls(t, "answerCallbackQuery", 2, 10*time.Second)
	cards := h.waitSent(modChat, 1)
	if len(cards) != 1 {
		t.Fatalf("consent pressed twice: %d cards, want 1", len(cards))
	}
	if cases := h.openCases(t); len(cases) != 1 || cases[0].ID != caseIDOf(share) {
		t.Fatalf("queued %+v, want exactly the consented case", cases)
	}
	if data := callbackData(t, cards[0]); !slices.Contains(data, "mv:s:"+caseIDOf(share)) {
		t.Errorf("the card's buttons %v are not the consented case's", data)
	}
	if strings.Contains(cards[0].Params["text"], "8861") && strings.Contains(cards[0].Params["text"], "3307") {
		t.Log("card keeps short numbers; long ones are redacted by the store")
	}
	// Consent is remembered: the next warning in this chat is queued by
	// itself, and offers no consent button.
	h.forwardBurst(chat, "您好，我是京东客服，您的白条利率需要关闭，否则影响征信，请下载这个会议App共享屏幕。")
	sent = h.waitSent(chat, 2)
	for _, data := range callbackData(t, sent[1]) {
		if strings.HasSuffix(data, ":share") {
			t.Error("a consenting user was asked again")
		}
	}
	if cards := h.waitSent(modChat, 2); len(cards) != 2 {
		t.Errorf("after consent the next warning made %d cards in all, want 2", len(cards))
	}
}

func TestNonModeratorCannotDecide(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.enableReview(modChat, moderator)
	h.start()
	const chat = 8002
	h.forwardBurst(chat, foundingScam...)
	sent := h.waitSent(chat, 1)
	human := buttonData(t, sent[0], "human")
	h.api.Push(telegramtest.Callback(chat, chat, 0, human))
	cards := h.waitSent(modChat, 1)
	id := caseIDOf(human)
	h.api.Push(telegramtest.Callback(modChat, stranger, 0, "mv:s:"+id))
	answers := h.api.WaitCalls(t, "answerCallbackQuery", 2, 10*time.Second)
	if got := answers[1].Params["text"]; !strings.Contains(got, "moderator") && !strings.Contains(got, "审核员") {
		t.Errorf("a stranger's press was answered %q, want a refusal", got)
	}
	c, err := h.review.Case(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if c.Decision != nil || c.Status != review.StatusOpen {
		t.Errorf("a stranger's press decided the case: %+v", c.Decision)
	}
	// Moderator commands are refused too.
	h.api.Push(telegramtest.Text(stranger, stranger, "/queue"))
	refusal := h.waitSent(stranger, 1)
	contains(t, refusal[0].Params["text"], "moderator")
	if len(h.sent(modChat)) != len(cards) {
		t.Error("a refused press changed the moderators' chat")
	}
}

func TestConfirmedScriptIsCaughtByFingerprintForTheNextUser(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.enableReview(modChat, moderator)
	h.start()
	const first, second = 8003, 8004
	h.forwardBurst(first, welfareScript...)
	sent := h.waitSent(first, 1)
	if strings.Contains(sent[0].Params["text"], headlineScamZh) {
		t.Fatal("the heuristics already call the script a scam; the test needs one they do not")
	}
	wrong := buttonData(t, sent[0], "down")
	h.api.Push(telegramtest.Callback(first, first, 0, wrong))
	card := h.waitSent(modChat, 1)[0]
	id := caseIDOf(wrong)
	var cardMessage struct {
		MessageID int `json:"message_id"`
	}
	if err := json.Unmarshal(card.Result, &cardMessage); err != nil {
		t.Fatal(err)
	}
	// The moderator confirms, twice (a double tap): one decision, one follow-up.
	for range 2 {
		h.api.Push(telegramtest.Callback(modChat, moderator, cardMessage.MessageID, "mv:s:"+id))
	}
	h.api.WaitCalls(t, "answerCallbackQuery", 3, 10*time.Second)
	followUps := h.waitSent(first, 2)
	if len(followUps) != 2 {
		t.Fatalf("the user got %d messages after the decision, want the reply and one follow-up", len(followUps))
	}
	contains(t, followUps[1].Params["text"], "审核员")
	edits := h.api.WaitCalls(t, "editMessageText", 1, 10*time.Second)
	contains(t, edits[0].Params["text"], "Decision:", "scam")
	c, err := h.review.Case(context.Background(), id)
	if err != nil || c.Status != review.StatusConfirmed || c.Decision.By != moderator {
		t.Fatalf("case after the decision: %+v (%v)", c, err)
	}

	// Another user gets the same script, with other punctuation: caught at
	// once, by the fingerprint.
	h.forwardBurst(second, strings.ReplaceAll(welfareScript[0], "，", ","), welfareScript[1]+"！")
	next := h.waitSent(second, 1)
	contains(t, next[0].Params["text"], headlineScamZh)
	metrics := h.get(t, "/metrics")
	if !strings.Contains(metrics, `scamguard_fingerprint_matches_total{set="scam"} 1`) {
		t.Error("the second user's verdict did not come from the fingerprint")
	}
	if strings.Contains(metrics, "scamguard_llm_reviews_total{") {
		t.Error("the fingerprint match called the LLM")
	}
}

func TestForgetAlsoDeletesTheChatsCases(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.enableReview(modChat, moderator)
	h.start()
	const chat = 8005
	h.forwardBurst(chat, foundingScam...)
	sent := h.waitSent(chat, 1)
	human := buttonData(t, sent[0], "human")
	h.api.Push(telegramtest.Callback(chat, chat, 0, human))
	h.waitSent(modChat, 1)
	h.api.Push(telegramtest.Text(chat, chat, "/forget"))
	h.waitSent(chat, 2)
	if _, err := h.review.Case(context.Background(), caseIDOf(human)); err == nil {
		t.Error("/forget left the chat's case in the review queue")
	}
}

func TestConsentIsAskedOnceOnTheFirstWarning(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.enableReview(modChat, moderator)
	h.start()
	const chat = 8006
	h.forwardBurst(chat, orderStatus...)
	h.waitSent(chat, 1)
	h.forwardBurst(chat, foundingScam...)
	sent := h.waitSent(chat, 2)
	hasShare := func(i int) bool {
		for _, data := range callbackData(t, sent[i]) {
			if strings.HasSuffix(data, ":share") {
				return true
			}
		}
		return false
	}
	if hasShare(0) || !hasShare(1) {
		t.Fatalf("consent offered on the calm answer %v / on the first warning %v; want only the warning", hasShare(0), hasShare(1))
	}
	h.forwardBurst(chat, "您好，我是京东客服，您的白条利率需要关闭，否则影响征信，请下载这个会议App共享屏幕。")
	sent = h.waitSent(chat, 3)
	if hasShare(2) {
		t.Error("consent was offered a second time")
	}
	if cases := h.openCases(t); len(cases) != 0 {
		t.Errorf("%d cases queued without consent", len(cases))
	}
}
