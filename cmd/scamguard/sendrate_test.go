package main

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/bot/telegramtest"
)

// TestTheGlobalSendRateIsSharedByRealReplicas: three replicas with
// SCAMGUARD_SEND_GLOBAL_PER_SECOND=5 each get commands from 40 chats at
// once, so each has answers to send at the same moment. The fake Bot API
// records when each send arrived; no second of them holds more than 5
// (+1, below), and the whole run is no faster than 5 a second — three
// replicas pacing themselves alone would send 15 a second.
//
// The +1: slots are handed out at least 200 ms apart on Redis's clock, so
// any second of slots holds at most 5; a send reaches the fake a little
// after its slot (the script's answer, the HTTP call), and when those
// delays differ by less than a slot (200 ms) a second of arrivals holds
// at most one more. The rate over the whole run does not depend on them.
// bot/sendqueue tests the same with two queues in one process.
func TestTheGlobalSendRateIsSharedByRealReplicas(t *testing.T) {
	const (
		perSecond = 5
		chats     = 40
		first     = int64(91000)
	)
	c := newCluster(t)
	c.env = append(c.env, "SCAMGUARD_SEND_GLOBAL_PER_SECOND="+strconv.Itoa(perSecond))
	replicas := []*replica{c.start("a"), c.start("b"), c.start("c")}
	var commands []models.Update
	var wg sync.WaitGroup
	for i := range chats {
		chat := first + int64(i)
		command := telegramtest.Text(chat, chat, "/stats")
		commands = append(commands, command)
		wg.Go(func() { c.post(replicas[i%len(replicas)], command) })
	}
	wg.Wait()
	c.waitFor("every command's answer", func() bool {
		for _, command := range commands {
			if len(c.answers(command.Message.Chat.ID, command.Message.ID)) == 0 {
				return false
			}
		}
		return true
	})
	var sends []time.Time
	for _, call := range c.api.Calls("") {
		// Every call that goes through the send queue (the menus at
		// start do not).
		if strings.HasPrefix(call.Method, "send") || strings.HasPrefix(call.Method, "edit") {
			sends = append(sends, call.At)
		}
	}
	slices.SortFunc(sends, func(a, b time.Time) int { return a.Compare(b) })
	if len(sends) < chats {
		t.Fatalf("%d sends recorded, want at least %d", len(sends), chats)
	}
	worst, at := mostInOneSecond(sends)
	took := sends[len(sends)-1].Sub(sends[0])
	t.Logf("%d sends by 3 replicas in %v (%.1f/s); at most %d in one second (from %s); limit %d/s",
		len(sends), took.Round(time.Millisecond), float64(len(sends)-1)/took.Seconds(), worst, at.Format("15:04:05.000"), perSecond)
	closest := time.Hour // the shortest span of perSecond+2 sends: below a second, the test fails
	for i := 0; i+perSecond+1 < len(sends); i++ {
		closest = min(closest, sends[i+perSecond+1].Sub(sends[i]))
	}
	t.Logf("the closest %d sends spanned %v", perSecond+2, closest.Round(time.Millisecond))
	if worst > perSecond+1 {
		t.Errorf("%d sends reached Telegram within one second; the shared limit is %d/s", worst, perSecond)
	}
	if least := time.Duration(len(sends)-1) * time.Second / perSecond; took < least-time.Second/perSecond {
		t.Errorf("%d sends took %v, faster than %d/s allows (%v)", len(sends), took, perSecond, least)
	}
}

// mostInOneSecond is the most of times (sorted) within one second, and
// when that second began.
func mostInOneSecond(times []time.Time) (int, time.Time) {
	worst, at := 0, time.Time{}
	for i, start := range times {
		end, _ := slices.BinarySearchFunc(times[i:], start.Add(time.Second), func(t, limit time.Time) int { return t.Compare(limit) })
		if end > worst {
			worst, at = end, start
		}
	}
	return worst, at
}
