package bot_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/bot"
	"github.com/scamguard/scamguard/bot/telegramtest"
)

// foundingScam is the script from the TV report the product is built on,
// as six messages a victim forwards at once.
var foundingScam = []string{
	"您好，我是淘宝理赔中心的客服，工号8861。您上周买的羽绒服，订单尾号3307对吗？",
	"您的快递在运输途中丢失了，我们这边给您办理双倍理赔。",
	"系统显示您的支付宝芝麻信用分太低，理赔款暂时无法到账。",
	"需要您先在借呗把额度借出来，刷一下流水提高信用分，钱马上原路退回。",
	"然后用我给您的当当账号购买礼品卡，把卡号卡密发给我做验证。",
	"这个过程不要挂电话，也不要告诉家人，以免影响理赔进度。",
}

// orderStatus is honest customer service about a late parcel.
var orderStatus = []string{
	"您好，您的订单已经发货了，快递单号可以在订单详情里查看。",
	"预计明天下午送达，如果有问题可以随时联系我们。",
	"祝您生活愉快！",
}

const (
	headlineScamZh = "很可能是诈骗"
	headlineNoneZh = "没有发现已知的诈骗迹象"
)

func TestFoundingScamBurstGetsOneReplyWithOfficialChannel(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	const chat = 1001
	updates := h.forwardBurst(chat, foundingScam...)
	sent := h.waitSent(chat, 1)
	if len(sent) != 1 {
		t.Fatalf("a burst of %d messages got %d replies, want 1: %q", len(foundingScam), len(sent), texts(sent))
	}
	call := sent[0]
	text := call.Params["text"]
	contains(t, text, headlineScamZh, "96110")
	deps, _ := engine()
	// The impersonated brand's own channel, as the catalogue gives it.
	verify := deps.Catalog.VerifyIn("taobao", "", "zh", "CN")
	if len(verify) == 0 {
		t.Fatal("catalogue offers no way to verify taobao")
	}
	contains(t, text, verify[0].Value)
	if call.Params["parse_mode"] != "HTML" {
		t.Errorf("parse_mode = %q, want HTML", call.Params["parse_mode"])
	}
	var replyTo models.ReplyParameters
	if err := json.Unmarshal([]byte(call.Params["reply_parameters"]), &replyTo); err != nil {
		t.Fatalf("reply_parameters %q: %v", call.Params["reply_parameters"], err)
	}
	if last := updates[len(updates)-1].Message.ID; replyTo.MessageID != last {
		t.Errorf("reply to message %d, want the burst's last message %d", replyTo.MessageID, last)
	}
	buttons := callbackData(t, call)
	if len(buttons) != 6 {
		t.Fatalf("buttons %v, want why / more, I already did it, warn my family, helpful, wrong and ask a human", buttons)
	}
	for _, data := range buttons {
		kind, _, _ := strings.Cut(data, ":")
		if !slices.Contains([]string{"case", "more", "lost", "share"}, kind) || len(data) > 64 {
			t.Errorf("callback data %q should carry only an answer id", data)
		}
	}
	conv, err := h.store.Load(context.Background(), chat)
	if err != nil {
		t.Fatal(err)
	}
	if len(conv.Window) != len(foundingScam) {
		t.Errorf("stored %d messages, want %d", len(conv.Window), len(foundingScam))
	}
	for _, e := range conv.Window {
		if e.From != "other" {
			t.Errorf("forwarded message stored as from %q, want other", e.From)
		}
	}
}

func callbackData(t testing.TB, call telegramtest.Call) []string {
	t.Helper()
	var markup models.InlineKeyboardMarkup
	if err := json.Unmarshal([]byte(call.Params["reply_markup"]), &markup); err != nil {
		t.Fatalf("reply_markup %q: %v", call.Params["reply_markup"], err)
	}
	var out []string
	for _, row := range markup.InlineKeyboard {
		for _, button := range row {
			out = append(out, button.CallbackData)
		}
	}
	return out
}

func TestBenignOrderStatusGetsCalmAnswer(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	const chat = 1002
	// Forwarded from a group (forward_origin "chat"), as shops' service
	// groups do.
	for _, line := range orderStatus {
		h.api.Push(telegramtest.Forwarded(chat, chat, line, telegramtest.OriginChat(-100555, "Shop service")))
	}
	sent := h.waitSent(chat, 1)
	if len(sent) != 1 {
		t.Fatalf("got %d replies, want 1: %q", len(sent), texts(sent))
	}
	text := sent[0].Params["text"]
	contains(t, text, headlineNoneZh)
	if strings.Contains(text, headlineScamZh) {
		t.Errorf("an honest order-status chat was called a scam:\n%s", text)
	}
}

func TestForgetRemovesEveryKeyOfTheChat(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	const chat = 1003
	h.forwardBurst(chat, foundingScam[:2]...)
	h.waitSent(chat, 1)
	h.api.Push(telegramtest.Text(chat, chat, "/lang en"))
	h.waitSent(chat, 2)
	if keys := h.keys(chat); len(keys) < 3 {
		t.Fatalf("before /forget the chat has keys %v, want window, state and settings", keys)
	}
	settings, err := h.store.Settings(context.Background(), chat)
	if err != nil || settings.Language != "en" {
		t.Fatalf("/lang en stored %+v (%v)", settings, err)
	}
	h.api.Push(telegramtest.Text(chat, chat, "/forget"))
	sent := h.waitSent(chat, 3)
	if keys := h.keysAfterForget(chat); len(keys) != 0 {
		t.Errorf("after /forget the chat still has keys %v", keys)
	}
	if got := sent[len(sent)-1].Params["text"]; !strings.Contains(got, "Deleted") && !strings.Contains(got, "删除") {
		t.Errorf("/forget answered %q, want a confirmation", got)
	}
}

func TestTwoChatsInterleaveWithoutMixing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	const scamChat, honestChat = 1004, 1005
	var updates []models.Update
	for i := 0; i < len(foundingScam); i++ {
		updates = append(updates, telegramtest.Forwarded(scamChat, scamChat, foundingScam[i], telegramtest.OriginHiddenUser("客服")))
		if i < len(orderStatus) {
			updates = append(updates, telegramtest.Forwarded(honestChat, honestChat, orderStatus[i], telegramtest.OriginChannel(-100123, "Shop")))
		}
	}
	h.api.Push(updates...)
	scam := h.waitSent(scamChat, 1)
	honest := h.waitSent(honestChat, 1)
	if len(scam) != 1 || len(honest) != 1 {
		t.Fatalf("replies: scam chat %d, honest chat %d; want one each", len(scam), len(honest))
	}
	contains(t, scam[0].Params["text"], headlineScamZh)
	contains(t, honest[0].Params["text"], headlineNoneZh)
	for chat, want := range map[int64][]string{scamChat: foundingScam, honestChat: orderStatus} {
		conv, err := h.store.Load(context.Background(), chat)
		if err != nil {
			t.Fatal(err)
		}
		if len(conv.Window) != len(want) {
			t.Fatalf("chat %d stored %d messages, want %d", chat, len(conv.Window), len(want))
		}
		for i, e := range conv.Window {
			if e.Hidden != (chat == scamChat) {
				t.Errorf("chat %d message %d: hidden sender %v; the forward origin must be kept", chat, i, e.Hidden)
			}
			if e.Seq != int64(i+1) || !strings.HasPrefix(want[i], e.Text[:min(len(e.Text), 9)]) {
				t.Errorf("chat %d message %d is %q, want %q", chat, i, e.Text, want[i])
			}
		}
	}
}

func TestTooManyRequestsIsRetriedAfterRetryAfter(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	const chat = 1006
	h.api.Fail("sendMessage", http.StatusTooManyRequests, 1, 1)
	h.api.Push(telegramtest.Text(chat, chat, "/help"))
	sent := h.waitSent(chat, 1)
	if len(sent) != 1 {
		t.Fatalf("got %d delivered messages, want 1", len(sent))
	}
	var refused *telegramtest.Call
	for _, c := range h.api.Calls("sendMessage") {
		if c.Failed && c.Code == http.StatusTooManyRequests {
			refused = &c
		}
	}
	if refused == nil {
		t.Fatal("the fake never answered 429; the test proves nothing")
	}
	if waited := sent[0].At.Sub(refused.At); waited < time.Second {
		t.Errorf("retried %v after a 429 with retry_after 1, want at least 1s", waited)
	}
	if sent[0].Params["text"] != refused.Params["text"] {
		t.Error("the retry sent a different message")
	}
}

func TestServerErrorIsRetriedWithBackoff(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	const chat = 1007
	h.api.Fail("sendMessage", http.StatusBadGateway, 0, 2)
	h.api.Push(telegramtest.Text(chat, chat, "/privacy"))
	sent := h.waitSent(chat, 1)
	if len(sent) != 1 {
		t.Fatalf("got %d delivered messages after two 502s, want 1", len(sent))
	}
	failed := 0
	for _, c := range h.api.Calls("sendMessage") {
		if c.Failed {
			failed++
		}
	}
	if failed != 2 {
		t.Errorf("%d failed attempts recorded, want 2", failed)
	}
}

func TestRestartMidConversationContinuesIt(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	const chat = 1008
	h.forwardBurst(chat, foundingScam[:2]...)
	first := h.waitSent(chat, 1)
	if err := h.stop(); err != nil {
		t.Fatalf("graceful stop: %v", err)
	}
	// A new process: a new store client and bot, the same Redis.
	h.store = h.openStore()
	h.start()
	h.forwardBurst(chat, foundingScam[2:]...)
	sent := h.waitSent(chat, 2)
	if len(sent) != 2 {
		t.Fatalf("got %d replies over the restart, want 2", len(sent))
	}
	conv, err := h.store.Load(context.Background(), chat)
	if err != nil {
		t.Fatal(err)
	}
	if len(conv.Window) != len(foundingScam) {
		t.Errorf("after the restart the conversation has %d messages, want %d", len(conv.Window), len(foundingScam))
	}
	// Taobao is named only before the restart; the answer after it still
	// sends the user to Taobao's official channel.
	deps, _ := engine()
	contains(t, sent[1].Params["text"], headlineScamZh, deps.Catalog.VerifyIn("taobao", "", "zh", "CN")[0].Value)
	if first[0].Params["text"] == sent[1].Params["text"] {
		t.Error("the answer did not change with the rest of the script")
	}
}

// TestAStoppedBotsBurstIsAnsweredAfterItsRestart: a burst lives in Redis,
// not in the process; a bot stopped in the middle of one leaves it there
// unanswered (a partial answer would be wrong), and the bot started again
// answers it once, covering every message.
func TestAStoppedBotsBurstIsAnsweredAfterItsRestart(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// Long enough for the stop to come first; the same after the restart
	// (the due-set holds when each burst is due).
	h.cfg.BurstWindow = 3 * time.Second
	h.start()
	const chat = 1009
	h.forwardBurst(chat, foundingScam...)
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, err := h.store.BurstSize(context.Background(), chat)
		if err == nil && n == len(foundingScam) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the burst was not stored: %d messages (%v)", n, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := h.stop(); err != nil {
		t.Fatalf("Run returned %v, want nil after a graceful stop", err)
	}
	if n := len(h.sent(chat)); n != 0 {
		t.Fatalf("a stopping bot answered the open burst %d times; it is the next start's", n)
	}
	h.store = h.openStore()
	h.start()
	sent := h.waitSent(chat, 1)
	if len(sent) != 1 {
		t.Fatalf("after the restart the burst got %d answers, want 1", len(sent))
	}
	contains(t, sent[0].Params["text"], headlineScamZh)
	conv, err := h.store.Load(context.Background(), chat)
	if err != nil || len(conv.Window) != len(foundingScam) {
		t.Errorf("the answered conversation has %d messages (%v), want %d", len(conv.Window), err, len(foundingScam))
	}
}

func TestCommandsAnswerWithAndWithoutBotName(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	name := h.api.BotUser().Username
	cases := []struct {
		text string
		want string // "" means no answer
	}{
		// /start also asks where the user lives (journeys_test.go).
		{"/start", "Scamguard"},
		{"/start@" + name, "Scamguard"},
		{"/START@" + strings.ToUpper(name), "Scamguard"},
		{"/help", "/forget"},
		{"/privacy", "/forget"},
		{"/new", "fresh conversation"},
		{"/region", "SG"},
		{"/region sg", "Region: SG"},
		{"/region <b>xx</b>", "&lt;B&gt;XX&lt;/B&gt;"},
		{"/nosuchcommand", "/help"},
		{"/start@some_other_bot", ""},
	}
	for i, tc := range cases {
		upd := telegramtest.Text(int64(2000+i), int64(2000+i), tc.text)
		upd.Message.From.LanguageCode = "en"
		h.api.Push(upd)
	}
	h.waitSent(2000, 1)
	for i, tc := range cases {
		chat := int64(2000 + i)
		if tc.want == "" {
			if sent := h.sent(chat); len(sent) != 0 {
				t.Errorf("%q was answered %q; it is addressed to another bot", tc.text, texts(sent))
			}
			continue
		}
		want := 1
		if strings.HasPrefix(strings.ToLower(tc.text), "/start") {
			want = 2
		}
		sent := h.waitSent(chat, want)
		if len(sent) != want {
			t.Errorf("%q got %d answers, want %d", tc.text, len(sent), want)
			continue
		}
		if !strings.Contains(sent[0].Params["text"], tc.want) {
			t.Errorf("%q answered %q, want it to contain %q", tc.text, sent[0].Params["text"], tc.want)
		}
	}
}

func TestMessagesWithoutTextGetAFriendlyAnswer(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	const sticker, voice, photo = 3001, 3002, 3003
	h.api.Push(telegramtest.Sticker(sticker, sticker, "😀"), telegramtest.Voice(voice, voice, 12),
		telegramtest.Caption(photo, photo, "我是淘宝客服，您的理赔需要先买礼品卡验证"))
	for _, chat := range []int64{sticker, voice} {
		sent := h.waitSent(chat, 1)
		if len(sent) != 1 || !strings.Contains(sent[0].Params["text"], "text") && !strings.Contains(sent[0].Params["text"], "文字") {
			t.Errorf("chat %d: %q, want the 'I can read text for now' answer", chat, texts(sent))
		}
	}
	// A caption is text, and is checked.
	sent := h.waitSent(photo, 1)
	if len(sent) != 1 || !strings.Contains(sent[0].Params["text"], "诈骗") {
		t.Errorf("captioned photo got %q, want a check reply", texts(sent))
	}
}

func TestHostileMessagesAreAnswered(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	long := strings.Repeat("退款请联系客服<b>&amp;", 4096/19)
	hostile := []string{long, "😀😀😀🎉", "<script>alert(1)</script> & </b>", "\x00\x01\xff\xfe not utf-8", strings.Repeat("\u200b", 100) + "x"}
	for i, text := range hostile {
		h.api.Push(telegramtest.Text(int64(4000+i), int64(4000+i), text))
	}
	for i := range hostile {
		sent := h.waitSent(int64(4000+i), 1)
		if len(sent) != 1 {
			t.Errorf("message %d got %d answers, want 1", i, len(sent))
		}
	}
	for _, c := range h.api.Calls("sendMessage") {
		if c.Failed {
			t.Errorf("Telegram refused a reply (%d): %.200q", c.Code, c.Params["text"])
		}
	}
}

func TestEditedMessageIsRecheckedAndAnsweredOnlyWhenLevelRises(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	const chat = 5001
	original := telegramtest.Forwarded(chat, chat, "您好，您的快递已到驿站，请凭取件码取件。", telegramtest.OriginUser(9, "快递"))
	h.api.Push(original)
	first := h.waitSent(chat, 1)
	contains(t, first[0].Params["text"], headlineNoneZh)

	// A typo fix that changes nothing: no second answer.
	h.api.Push(telegramtest.Edited(original, "您好，您的快递已到驿站，请凭取件码取件！"))
	if n := len(h.settle(chat)); n != 1 {
		t.Fatalf("an edit that did not raise the level was answered (%d messages)", n)
	}
	// The same message now carries the script: the level rises, a new
	// answer.
	h.api.Push(telegramtest.Edited(original, "我是淘宝理赔客服，您的支付宝信用分太低，需要在借呗借款刷流水，再购买礼品卡把卡密发给我验证。"))
	sent := h.waitSent(chat, 2)
	if len(sent) != 2 {
		t.Fatalf("got %d messages, want the first answer and one more answer", len(sent))
	}
	contains(t, sent[1].Params["text"], headlineScamZh)
	conv, err := h.store.Load(context.Background(), chat)
	if err != nil {
		t.Fatal(err)
	}
	if len(conv.Window) != 1 || !strings.Contains(conv.Window[0].Text, "借呗") {
		t.Errorf("the edit should replace the original in the conversation; window: %+v", conv.Window)
	}
}

func TestEveryButtonPressIsAnswered(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	const chat = 5002
	h.forwardBurst(chat, foundingScam...)
	sent := h.waitSent(chat, 1)
	buttons := callbackData(t, sent[0])
	messageID := 0
	for _, data := range append(buttons, "case:nosuchcase:down", "garbage", "") {
		h.api.Push(telegramtest.Callback(chat, chat, messageID, data))
	}
	answers := h.api.WaitCalls(t, "answerCallbackQuery", len(buttons)+3, 10*time.Second)
	if len(answers) != len(buttons)+3 {
		t.Errorf("%d callback answers, want %d", len(answers), len(buttons)+3)
	}
}

func TestStoreDownStillAnswers(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	h.redis.Stop()
	const chat = 5003
	h.forwardBurst(chat, foundingScam...)
	sent := h.waitSent(chat, 1)
	if len(sent) != 1 {
		t.Fatalf("with Redis down got %d answers, want 1", len(sent))
	}
	contains(t, sent[0].Params["text"], headlineScamZh, "96110")
	h.api.Push(telegramtest.Text(chat, chat, "/forget"))
	sent = h.waitSent(chat, 2)
	if got := sent[len(sent)-1].Params["text"]; !strings.Contains(got, "无法删除") && !strings.Contains(got, "could not delete") {
		t.Errorf("/forget with Redis down answered %q, want a clear failure", got)
	}
	metrics := h.get(t, "/metrics")
	if !strings.Contains(metrics, `scamguard_degraded_total{dependency="store"}`) {
		t.Error("degraded updates are not counted in /metrics")
	}
}

// get fetches path from the bot's HTTP handler.
func (h *harness) get(t testing.TB, path string) string {
	t.Helper()
	server := httptest.NewServer(h.bot.Handler())
	defer server.Close()
	req, err := http.NewRequest(http.MethodGet, server.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+h.cfg.MetricsToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", path, resp.Status)
	}
	return string(body)
}

func TestWebhookNeedsTheSecretToken(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.cfg.WebhookURL = "https://bot.example.org/hook/tg"
	h.cfg.WebhookSecret = "s3cret-token_1"
	h.start()
	server := httptest.NewServer(h.bot.Handler())
	defer server.Close()
	const chat = 6001
	upd := telegramtest.Text(chat, chat, "/help")
	upd.ID = 900001
	for _, secret := range []string{"", "wrong"} {
		resp, err := telegramtest.PostWebhook(server.URL+"/hook/tg", secret, upd)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("secret %q: %s, want 401", secret, resp.Status)
		}
	}
	// Telegram retries: the same update twice is handled once.
	for range 2 {
		resp, err := telegramtest.PostWebhook(server.URL+"/hook/tg", h.cfg.WebhookSecret, upd)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("right secret: %s, want 200", resp.Status)
		}
	}
	sent := h.waitSent(chat, 1)
	if len(sent) != 1 {
		t.Errorf("an update delivered twice got %d answers, want 1", len(sent))
	}
	resp, err := http.Post(server.URL+"/hook/tg", "application/json", strings.NewReader("{not json"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("unsigned garbage: %s, want 401", resp.Status)
	}
	// Signed but malformed or oversized bodies are refused, and the bot
	// carries on.
	for _, tc := range []struct {
		body string
		want int
	}{
		{"{not json", http.StatusBadRequest},
		{`{"update_id":1,"message":` + strings.Repeat(" ", 2<<20) + `}`, http.StatusRequestEntityTooLarge},
	} {
		req, _ := http.NewRequest(http.MethodPost, server.URL+"/hook/tg", strings.NewReader(tc.body))
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", h.cfg.WebhookSecret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("signed body of %d bytes: %s, want %d", len(tc.body), resp.Status, tc.want)
		}
	}
	upd2 := telegramtest.Text(chat, chat, "/privacy")
	upd2.ID = 900002
	if resp, err := telegramtest.PostWebhook(server.URL+"/hook/tg", h.cfg.WebhookSecret, upd2); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("after bad requests a good one: %v %v", resp, err)
	}
	h.waitSent(chat, 2)
}

func TestPollingAsksForAllowedUpdatesExplicitly(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	h.api.WaitCalls(t, "getUpdates", 1, 10*time.Second)
	got := h.api.AllowedUpdates()
	for _, want := range []string{"message", "edited_message", "callback_query", "my_chat_member"} {
		if !slices.Contains(got, want) {
			t.Errorf("allowed_updates %v lacks %s", got, want)
		}
	}
}

func TestNewRefusesABadToken(t *testing.T) {
	t.Parallel()
	api := telegramtest.New(t)
	deps, err := engine()
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t)
	deps.Store = h.store
	cfg := testConfig(api)
	cfg.Token = "123:wrong"
	_, err = bot.New(context.Background(), cfg, deps)
	if err == nil || !strings.Contains(err.Error(), "refused the bot token") {
		t.Errorf("New with a wrong token: %v", err)
	}
	cfg.Token = ""
	if _, err := bot.New(context.Background(), cfg, deps); !errors.Is(err, bot.ErrNoToken) {
		t.Errorf("New without a token: %v, want ErrNoToken", err)
	}
}

func TestHealthzAndMetrics(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	h.api.Push(telegramtest.Text(7001, 7001, "/help"))
	h.waitSent(7001, 1)
	var health map[string]string
	if err := json.Unmarshal([]byte(h.get(t, "/healthz")), &health); err != nil || health["store"] != "ok" {
		t.Errorf("/healthz = %v (%v)", health, err)
	}
	metrics := h.get(t, "/metrics")
	if !strings.Contains(metrics, `scamguard_updates_total{kind="message"} `) || !strings.Contains(metrics, `scamguard_sent_total{what="help"} 1`) {
		t.Errorf("/metrics lacks the update and send counters:\n%.2000s", metrics)
	}
}

func TestPanicInAHandlerIsRecoveredWithAnApology(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.beforeHandle = func(upd *models.Update) {
		if upd.Message != nil && upd.Message.Text == "boom" {
			panic("a bug")
		}
	}
	h.start()
	const chat = 7101
	h.api.Push(telegramtest.Text(chat, chat, "boom"))
	apology := h.waitSent(chat, 1)
	contains(t, apology[0].Params["text"], "Sorry")
	// The chat's lane survives: the next message is answered as usual.
	h.api.Push(telegramtest.Text(chat, chat, "/help"))
	sent := h.waitSent(chat, 2)
	contains(t, sent[1].Params["text"], "/forget")
	if metrics := h.get(t, "/metrics"); !strings.Contains(metrics, "scamguard_panics_total 1") {
		t.Error("the panic is not counted")
	}
}
