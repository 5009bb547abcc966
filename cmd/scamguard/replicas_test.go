package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/bot/telegramtest"
	"github.com/scamguard/scamguard/bot/transport"
	"github.com/scamguard/scamguard/store"
	"github.com/scamguard/scamguard/store/storetest"
)

// These tests run the scamguard binary as real processes: two replicas in
// webhook mode on one redis-server, answering the fake Bot API. Updates are
// posted to the replicas as Telegram would post them to a load balancer in
// front of them. Nothing waits on time standing in for "nothing happened":
// each wait polls for an observed outcome with a deadline, and "no second
// answer" is proven with markers answered by every replica after the
// burst was closed in Redis.

// scamScript is a refund scam forwarded in five messages.
var scamScript = []string{
	"您好，我是淘宝客服，您购买的商品有质量问题，我们将为您办理退款",
	"退款需要您先下载一个会议软件，开启屏幕共享",
	"请打开支付宝借呗，按我说的操作",
	"您需要先转账5000元到安全账户进行验证",
	"验证码发给我，马上原路退回",
}

// cluster is a redis-server, the fake Bot API and the replicas' settings.
type cluster struct {
	t      *testing.T
	binary string
	api    *telegramtest.Server
	redis  *storetest.Server
	store  *store.Store
	secret string
	// window is the replicas' burst window.
	window time.Duration
	// env is added to every replica's environment after the defaults
	// (a later value wins): a test's own settings.
	env []string
}

// replica is one running scamguard process.
type replica struct {
	name string
	cmd  *exec.Cmd
	url  string
	log  string
	dead bool
}

// buildOnce builds the binary once for every test of the package.
var buildOnce = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "scamguard-bin")
	if err != nil {
		return "", err
	}
	binary := filepath.Join(dir, "scamguard")
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		goTool = "go"
	}
	out, err := exec.Command(goTool, "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return binary, nil
})

func newCluster(t *testing.T) *cluster {
	t.Helper()
	redis := storetest.StartServer(t) // skips without redis-server (fails in CI)
	binary, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	api := telegramtest.New(t)
	st, err := store.Open(context.Background(), store.Config{Addrs: []string{redis.Addr}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &cluster{t: t, binary: binary, api: api, redis: redis, store: st, secret: transport.DerivedWebhookSecret(api.Token()),
		window: 500 * time.Millisecond}
}

// start runs one replica and waits until its /healthz answers.
func (c *cluster) start(name string) *replica {
	c.t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		c.t.Fatal(err)
	}
	addr := listener.Addr().String()
	listener.Close()
	r := &replica{name: name, url: "http://" + addr, log: filepath.Join(c.t.TempDir(), name+".log")}
	logFile, err := os.Create(r.log)
	if err != nil {
		c.t.Fatal(err)
	}
	r.cmd = exec.Command(c.binary, "bot")
	r.cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + c.t.TempDir(),
		"TELEGRAM_BOT_TOKEN=" + c.api.Token(), "TELEGRAM_API_URL=" + c.api.URL(),
		"SCAMGUARD_WEBHOOK_URL=https://bot.example.org/hook/tg", "SCAMGUARD_HTTP_ADDR=" + addr,
		"REDIS_URL=redis://" + c.redis.Addr,
		"SCAMGUARD_BURST_WINDOW=" + c.window.String(), "SCAMGUARD_INTAKE_CLAIM_AFTER=1s",
		"SCAMGUARD_SEND_CHAT_INTERVAL=1ms", "SCAMGUARD_SEND_GLOBAL_PER_SECOND=1000",
	}
	r.cmd.Env = append(r.cmd.Env, c.env...)
	r.cmd.Stdout, r.cmd.Stderr = logFile, logFile
	if err := r.cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() {
		r.kill()
		logFile.Close()
		if c.t.Failed() {
			out, _ := os.ReadFile(r.log)
			c.t.Logf("log of %s:\n%s", name, tail(out, 4000))
		}
	})
	c.waitFor(fmt.Sprintf("%s's /healthz", name), func() bool {
		resp, err := http.Get(r.url + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return r
}

// kill ends the replica with SIGKILL: no graceful stop, nothing flushed.
func (r *replica) kill() {
	if r.dead {
		return
	}
	r.dead = true
	_ = r.cmd.Process.Kill()
	_ = r.cmd.Wait()
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// updateIDs number the updates posted, as Telegram does.
var updateIDs atomic.Int64

// post delivers upd to replica r as Telegram does, retrying what is not
// answered 200 (Telegram retries too).
func (c *cluster) post(r *replica, upd models.Update) {
	c.t.Helper()
	if upd.ID == 0 {
		upd.ID = updateIDs.Add(1)
	}
	for attempt := 0; ; attempt++ {
		resp, err := telegramtest.PostWebhook(r.url+"/hook/tg", c.secret, upd)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
			err = fmt.Errorf("status %s", resp.Status)
		}
		if attempt == 20 {
			c.t.Errorf("update %d not stored: %v", upd.ID, err)
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// forwards builds a burst of forwarded messages for chat, in Telegram's
// order (message ids increase).
func forwards(chat int64, lines []string) []models.Update {
	var updates []models.Update
	for _, line := range lines {
		updates = append(updates, telegramtest.Forwarded(chat, chat, line, telegramtest.OriginUser(777000+chat, "客服")))
	}
	return updates
}

// scamBursts builds the five-forward scam burst of chats first, first+1, …:
// the bursts by chat and the chats in order.
func scamBursts(first int64, chats int) (map[int64][]models.Update, []int64) {
	bursts := map[int64][]models.Update{}
	var ids []int64
	for i := range chats {
		chat := first + int64(i)
		ids = append(ids, chat)
		bursts[chat] = forwards(chat, scamScript)
	}
	return bursts, ids
}

// answers are the sendMessage calls to chat that replied to one of ids.
func (c *cluster) answers(chat int64, ids ...int) []telegramtest.Call {
	var out []telegramtest.Call
	for _, call := range c.api.Calls("sendMessage") {
		if call.Params["chat_id"] == strconv.FormatInt(chat, 10) && !call.Failed && slices.Contains(ids, repliesTo(call)) {
			out = append(out, call)
		}
	}
	return out
}

// repliesTo is the message a sendMessage call replies to, 0 if none.
func repliesTo(call telegramtest.Call) int {
	var reply struct {
		MessageID int `json:"message_id"`
	}
	if json.Unmarshal([]byte(call.Params["reply_parameters"]), &reply) != nil {
		return 0
	}
	return reply.MessageID
}

// waitFor polls done until it holds, failing the test after 30 s.
func (c *cluster) waitFor(what string, done func() bool) {
	c.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !done() {
		if time.Now().After(deadline) {
			c.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// messageIDs are the updates' message ids.
// waitForEveryAnswer waits until each burst has an answer.
func (c *cluster) waitForEveryAnswer(bursts map[int64][]models.Update) {
	c.t.Helper()
	c.waitFor("every burst's answer", func() bool {
		for chat, burst := range bursts {
			if len(c.answers(chat, messageIDs(burst)...)) == 0 {
				return false
			}
		}
		return true
	})
}

func messageIDs(updates []models.Update) []int {
	var ids []int
	for _, u := range updates {
		ids = append(ids, u.Message.ID)
	}
	return ids
}

// settle proves that chats get nothing more: each burst is closed in Redis
// (nobody can claim it again), then every live replica answers a marker in
// every chat, after whatever it had queued there.
func (c *cluster) settle(chats []int64, replicas ...*replica) {
	c.t.Helper()
	ctx := context.Background()
	c.waitFor("every burst closed", func() bool {
		for _, chat := range chats {
			if n, err := c.store.BurstSize(ctx, chat); err != nil || n != 0 {
				return false
			}
		}
		return true
	})
	var markers []models.Update
	for _, chat := range chats {
		for _, r := range replicas {
			if r.dead {
				continue
			}
			marker := telegramtest.Text(chat, chat, "/stats")
			c.post(r, marker)
			markers = append(markers, marker)
		}
	}
	c.waitFor("the markers' answers", func() bool {
		for _, m := range markers {
			if len(c.answers(m.Message.Chat.ID, m.Message.ID)) == 0 {
				return false
			}
		}
		return true
	})
}

// checkOneAnswer checks that chat got exactly one answer to its burst,
// replying to its last message, computed over all of it in order.
func (c *cluster) checkOneAnswer(chat int64, burst []models.Update) {
	c.t.Helper()
	ids := messageIDs(burst)
	got := c.answers(chat, ids...)
	if len(got) != 1 {
		var seen []string
		for _, g := range got {
			seen = append(seen, fmt.Sprintf("to %d at %s: %.40q", repliesTo(g), g.At.Format("15:04:05.000"), g.Params["text"]))
		}
		c.t.Errorf("chat %d: %d answers to its burst, want 1: %v", chat, len(got), seen)
		return
	}
	if to := repliesTo(got[0]); to != ids[len(ids)-1] {
		c.t.Errorf("chat %d: the answer replies to message %d, want the burst's last, %d", chat, to, ids[len(ids)-1])
	}
	conv, err := c.store.Load(context.Background(), chat)
	if err != nil {
		c.t.Fatal(err)
	}
	var stored []int
	for _, e := range conv.Window {
		stored = append(stored, int(e.ID))
	}
	if !slices.Equal(stored, ids) {
		c.t.Errorf("chat %d: conversation stored messages %v, want %v (all, in Telegram's order)", chat, stored, ids)
	}
}

// TestABurstSplitAcrossReplicasGetsOneAnswer: the forwards of one burst
// reach two replicas at once, in no particular order; the chat gets one
// answer, over every message, stored in Telegram's order.
func TestABurstSplitAcrossReplicasGetsOneAnswer(t *testing.T) {
	c := newCluster(t)
	a, b := c.start("a"), c.start("b")
	const chat = 88001
	burst := forwards(chat, scamScript)
	var wg sync.WaitGroup
	for i, upd := range burst {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.post([]*replica{a, b}[i%2], upd)
		}()
	}
	wg.Wait()
	c.waitFor("the burst's answer", func() bool { return len(c.answers(chat, messageIDs(burst)...)) > 0 })
	c.settle([]int64{chat}, a, b)
	c.checkOneAnswer(chat, burst)
	if text := c.answers(chat, messageIDs(burst)...)[0].Params["text"]; !containsAny(text, "诈骗", "scam") {
		t.Errorf("the answer does not warn: %s", text)
	}
}

// TestManyChatsAtRandomReplicasNoneLostNoneTwice: chats × 5 forwards,
// each posted to a random replica, the chats side by side: one answer per
// burst, none lost, each over its whole burst in order.
func TestManyChatsAtRandomReplicasNoneLostNoneTwice(t *testing.T) {
	manyChatsAtRandomReplicas(t, 30, 89000)
}

// TestTwoHundredChatsAtRandomReplicas is the proof at its size:
// 200 chats × 5 forwards at random replicas (skipped with -short).
func TestTwoHundredChatsAtRandomReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("200 chats: skipped with -short")
	}
	manyChatsAtRandomReplicas(t, 200, 89100)
}

// manyChatsAtRandomReplicas posts chats bursts of 5 forwards (chat ids from
// first), each update to a random one of two replicas, the chats side by
// side, and checks one answer per burst, over its whole burst in order.
func manyChatsAtRandomReplicas(t *testing.T, chats int, first int64) {
	c := newCluster(t)
	// A forwarded burst reaches Telegram's webhook at once; 200 chats of
	// it on two cores still take a while to post, so the window is wide
	// enough that a chat's five posts fall inside it (checked below).
	c.window = 2 * time.Second
	replicas := []*replica{c.start("a"), c.start("b")}
	before := c.commandStats()
	started := time.Now()
	bursts := map[int64][]models.Update{}
	var ids []int64
	var wg sync.WaitGroup
	var mu sync.Mutex
	posting := map[int64]time.Duration{} // first post sent → last post answered, per chat
	for i := range chats {
		chat := first + int64(i)
		ids = append(ids, chat)
		burst := forwards(chat, scamScript)
		bursts[chat] = burst
		wg.Add(1)
		go func() {
			defer wg.Done()
			began := time.Now()
			var posts sync.WaitGroup
			for _, upd := range burst { // all at once, each to a random replica
				posts.Go(func() { c.post(replicas[rand.IntN(len(replicas))], upd) })
			}
			posts.Wait()
			mu.Lock()
			posting[chat] = time.Since(began)
			mu.Unlock()
		}()
	}
	wg.Wait()
	for chat, took := range posting {
		if took >= c.window {
			t.Fatalf("chat %d: posting its burst took %v, longer than the %v window: its messages are two bursts by definition; the machine is too loaded for this test", chat, took, c.window)
		}
	}
	c.waitForEveryAnswer(bursts)
	answered := time.Since(started)
	c.settle(ids, replicas...)
	for chat, burst := range bursts {
		c.checkOneAnswer(chat, burst)
	}
	c.logCommands(before, chats*len(scamScript), answered)
}

// commandStats reads Redis's calls per command (INFO commandstats).
func (c *cluster) commandStats() map[string]int64 {
	c.t.Helper()
	return storetest.CommandCalls(c.t, c.store.Client())
}

// logCommands logs the Redis commands run since before, per update: a
// figure for the README, not an assertion (markers and the replicas'
// polling are counted too).
func (c *cluster) logCommands(before map[string]int64, updates int, took time.Duration) {
	after := c.commandStats()
	var total int64
	var parts []string
	for name, n := range after {
		if d := n - before[name]; d > 0 && name != "info" {
			total += d
			parts = append(parts, fmt.Sprintf("%s %d", name, d))
		}
	}
	slices.Sort(parts)
	c.t.Logf("%d updates answered in %v; Redis ran %d commands (%.1f per update): %s",
		updates, took.Round(time.Millisecond), total, float64(total)/float64(updates), strings.Join(parts, ", "))
}

// TestAReplicaKilledMidBurstLeavesItToTheOther: replica A gets the start
// of a burst and is killed with SIGKILL just after it answered 200 for the
// last message (stored in the intake, maybe not yet handled); B got the
// middle. B answers the burst once, over all five messages: the burst was
// in Redis, and the message A held is taken over before the answer.
func TestAReplicaKilledMidBurstLeavesItToTheOther(t *testing.T) {
	c := newCluster(t)
	a, b := c.start("a"), c.start("b")
	const chat = 88002
	burst := forwards(chat, scamScript)
	c.post(a, burst[0])
	c.post(a, burst[1])
	c.waitFor("A's messages in the burst", func() bool {
		n, err := c.store.BurstSize(context.Background(), chat)
		return err == nil && n == 2
	})
	c.post(b, burst[2])
	c.post(b, burst[3])
	c.post(a, burst[4])
	a.kill()
	c.waitFor("the burst's answer", func() bool { return len(c.answers(chat, messageIDs(burst)...)) > 0 })
	c.settle([]int64{chat}, b)
	c.checkOneAnswer(chat, burst)
}

func containsAny(text string, words ...string) bool {
	return slices.ContainsFunc(words, func(w string) bool { return strings.Contains(text, w) })
}

// TestAReplicaKilledMidBurstAnswersItAfterItsRestart: the only replica is
// killed with SIGKILL with a burst open (stored, not due); started again,
// it answers the burst once, over every message.
func TestAReplicaKilledMidBurstAnswersItAfterItsRestart(t *testing.T) {
	c := newCluster(t)
	a := c.start("a")
	const chat = 88003
	burst := forwards(chat, scamScript[:3])
	for _, upd := range burst {
		c.post(a, upd)
	}
	c.waitFor("the burst stored", func() bool {
		n, err := c.store.BurstSize(context.Background(), chat)
		return err == nil && n == len(burst)
	})
	a.kill()
	if n := len(c.answers(chat, messageIDs(burst)...)); n != 0 {
		t.Skipf("the burst was answered before the kill (%d): too slow a machine to test this", n)
	}
	again := c.start("a-again")
	c.waitFor("the burst's answer", func() bool { return len(c.answers(chat, messageIDs(burst)...)) > 0 })
	c.settle([]int64{chat}, again)
	c.checkOneAnswer(chat, burst)
}

// stop stops the replica gracefully (SIGTERM) and waits for it to exit.
func (r *replica) stop(t *testing.T) {
	t.Helper()
	if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := r.cmd.Wait(); err != nil {
		t.Errorf("a graceful stop exited with %v", err)
	}
	r.dead = true
}

// TestARollingRestartAnswersEachBurstOnce: bursts of 10 chats are posted
// to both replicas while each is stopped gracefully and started again in
// turn (a rolling restart): every chat gets one answer over its whole
// burst. The window is longer than a restart, so each burst spans both.
func TestARollingRestartAnswersEachBurstOnce(t *testing.T) {
	c := newCluster(t)
	c.window = 6 * time.Second
	live := []*replica{c.start("a"), c.start("b")}
	bursts := map[int64][]models.Update{}
	var chats []int64
	for i := range 10 {
		chat := int64(89500 + i)
		chats = append(chats, chat)
		bursts[chat] = forwards(chat, scamScript)
	}
	last := time.Now()
	postRound := func(round int) {
		if gap := time.Since(last); gap >= c.window {
			t.Skipf("a restart took %v, longer than the %v burst window: too slow a machine for this test", gap, c.window)
		}
		last = time.Now()
		for _, chat := range chats {
			c.post(live[rand.IntN(len(live))], bursts[chat][round])
		}
	}
	postRound(0)
	postRound(1)
	live[0].stop(t)
	live[0] = c.start("a-again")
	postRound(2)
	live[1].stop(t)
	live[1] = c.start("b-again")
	postRound(3)
	postRound(4)
	c.waitForEveryAnswer(bursts)
	c.settle(chats, live...)
	for chat, burst := range bursts {
		c.checkOneAnswer(chat, burst)
	}
}

// queuedReplies is how many messages wait in chat's send queue in Redis.
func (c *cluster) queuedReplies(chat int64) int64 {
	c.t.Helper()
	key := c.store.Keyspace().Prefix + "{c:" + strconv.FormatInt(chat, 10) + "}:sendq"
	n, err := c.store.Client().LLen(context.Background(), key).Result()
	if err != nil {
		c.t.Fatal(err)
	}
	return n
}

// TestAReplicaKilledWithRepliesQueuedLeavesThemToTheOther: Telegram
// answers replica A's first message 429 with retry_after 4, so the answers
// to the bursts of 10 chats wait in the send queue; A is killed with
// SIGKILL while they wait, its bursts all closed. B, which never saw
// these chats, sends every answer once, after the hold, each replying to
// its burst's last message.
func TestAReplicaKilledWithRepliesQueuedLeavesThemToTheOther(t *testing.T) {
	c := newCluster(t)
	a := c.start("a")
	c.api.Fail("sendMessage", http.StatusTooManyRequests, 4, 1)
	holder := telegramtest.Text(88100, 88100, "/stats")
	c.post(a, holder)
	c.waitFor("the 429", func() bool { return len(c.api.Calls("sendMessage")) > 0 })
	bursts := map[int64][]models.Update{}
	var chats []int64
	for i := range 10 {
		chat := int64(88110 + i)
		chats = append(chats, chat)
		bursts[chat] = forwards(chat, scamScript[:3])
		for _, upd := range bursts[chat] {
			c.post(a, upd)
		}
	}
	c.waitFor("every burst answered into the send queue", func() bool {
		for _, chat := range chats {
			if n, err := c.store.BurstSize(context.Background(), chat); err != nil || n != 0 {
				return false
			}
		}
		return true
	})
	queued := 0
	for _, chat := range chats {
		queued += int(c.queuedReplies(chat))
	}
	a.kill()
	if queued == 0 {
		t.Skip("every answer was sent before the kill: too slow a machine to test this")
	}
	t.Logf("A killed with %d of %d answers queued", queued, len(chats))
	b := c.start("b")
	c.waitForEveryAnswer(bursts)
	// The reply that met the 429 is B's to send too, on its own chat's
	// pace: wait for it, then settle that chat with the others so a
	// second copy would have arrived before the marker.
	c.waitFor("the reply that met the 429", func() bool {
		return len(c.answers(holder.Message.Chat.ID, holder.Message.ID)) > 0
	})
	c.settle(append(slices.Clone(chats), holder.Message.Chat.ID), b)
	for chat, burst := range bursts {
		c.checkOneAnswer(chat, burst)
	}
	c.waitFor("every send queue empty", func() bool {
		for _, chat := range chats {
			if c.queuedReplies(chat) != 0 {
				return false
			}
		}
		return true
	})
	if n := len(c.answers(holder.Message.Chat.ID, holder.Message.ID)); n != 1 {
		t.Errorf("the message that met the 429 was sent %d times after it, want once", n)
	}
}
