package bot_test

import (
	"context"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/scamguard/scamguard/bot/telegramtest"
	"github.com/scamguard/scamguard/internal/browsertest"
	"github.com/scamguard/scamguard/review"
)

// TestConsoleDecisionInBrowserEditsTheCard is the whole moderation loop in
// a real browser: a user's 👎 queues a case and posts its card, a moderator
// gets a sign-in link from /console, confirms the case in the console, and
// the card in the moderators' group is edited and the user followed up.
func TestConsoleDecisionInBrowserEditsTheCard(t *testing.T) {
	t.Parallel()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t)
	h.enableReview(modChat, moderator)
	h.console = review.ConsoleConfig{BaseURL: "http://" + listener.Addr().String(), Secret: []byte("0123456789abcdef0123")}
	h.start()
	server := &http.Server{Handler: h.bot.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go server.Serve(listener)
	defer server.Close()

	const user = 8101
	h.forwardBurst(user, welfareScript...)
	reply := h.waitSent(user, 1)
	wrong := buttonData(t, reply[0], "down")
	h.api.Push(telegramtest.Callback(user, user, 0, wrong))
	h.waitSent(modChat, 1)

	h.api.Push(telegramtest.Text(moderator, moderator, "/console"))
	linkMessage := h.waitSent(moderator, 1)[0].Params["text"]
	link := regexp.MustCompile(`http://\S+`).FindString(linkMessage)
	if link == "" {
		t.Fatalf("/console answered %q, want a sign-in link", linkMessage)
	}
	link = strings.ReplaceAll(link, "&amp;", "&")

	browser := browsertest.New(t)
	err = chromedp.Do(browser,
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS("a.case-link")),
		chromedp.Click(chromedp.CSS("a.case-link")),
		chromedp.WaitVisible(chromedp.ID("confirm")),
		chromedp.Click(chromedp.ID("confirm")),
		chromedp.WaitVisible(chromedp.ID("decided")),
	)
	if err != nil {
		t.Fatalf("browser: sign in, open the case, confirm: %v", err)
	}
	c, err := h.review.Case(context.Background(), caseIDOf(wrong))
	if err != nil || c.Status != review.StatusConfirmed || c.Decision.By != moderator {
		t.Fatalf("after the console decision the case is %+v (%v)", c, err)
	}
	edits := h.api.WaitCalls(t, "editMessageText", 1, 10*time.Second)
	if edits[0].Params["chat_id"] != itoa(modChat) || !strings.Contains(edits[0].Params["text"], "Decision:") {
		t.Errorf("the card edit %v does not show the decision", edits[0].Params)
	}
	followUp := h.waitSent(user, 2)
	contains(t, followUp[len(followUp)-1].Params["text"], "审核员")
}
