package bot_test

import (
	"fmt"
	"testing"
	"time"
)

// FuzzHandleUpdate feeds raw update JSON through the bot's decoder to its
// handlers (a fake Bot API and a real redis-server behind them): no input
// may make a handler panic. Undecodable input must be skipped quietly.
func FuzzHandleUpdate(f *testing.F) {
	now := time.Now().Unix()
	for _, seed := range []string{
		poisonUpdate(1),
		fmt.Sprintf(`{"update_id":1,"message":{"message_id":1,"date":%d,"chat":{"id":5,"type":"private"},"from":{"id":5,"is_bot":false,"first_name":"A","language_code":"zh-hans"},"text":"您好，我是京东客服，请把验证码告诉我"}}`, now),
		fmt.Sprintf(`{"update_id":2,"message":{"message_id":2,"date":%d,"chat":{"id":5,"type":"private"},"from":{"id":5,"is_bot":false,"first_name":"A"},"text":"/start grd_x"}}`, now),
		fmt.Sprintf(`{"update_id":3,"message":{"message_id":3,"date":%d,"chat":{"id":-100,"type":"supergroup","title":"F"},"from":{"id":6,"is_bot":false,"first_name":"B"},"text":"/check@scamguard_test_bot","reply_to_message":{"message_id":1,"date":%d,"chat":{"id":-100,"type":"supergroup"},"text":"买礼品卡"}}}`, now, now),
		`{"update_id":4,"callback_query":{"id":"1","from":{"id":5,"is_bot":false,"first_name":"A"},"chat_instance":"x","data":"case:abc:human","message":{"message_id":9,"date":0,"chat":{"id":5,"type":"private"}}}}`,
		`{"update_id":5,"callback_query":{"id":"2","from":{"id":5,"is_bot":false,"first_name":"A"},"chat_instance":"x","data":"mv:s:abc:x"}}`,
		`{"update_id":6,"edited_message":{"message_id":1,"date":0,"chat":{"id":5,"type":"private"},"text":"13812345678"}}`,
		`{"update_id":7,"my_chat_member":{"chat":{"id":-100,"type":"group"},"from":{"id":6,"is_bot":false,"first_name":"B"},"date":0,"old_chat_member":{"status":"left","user":{"id":1,"is_bot":true,"first_name":"S"}},"new_chat_member":{"status":"member","user":{"id":1,"is_bot":true,"first_name":"S"}}}}`,
		`{"update_id":8,"message":{"message_id":4,"date":0,"chat":{"id":5,"type":"private"},"migrate_to_chat_id":-1001}}`,
		`{"update_id":"x"}`, `[]`, `{"update_id":9,"message":null}`,
	} {
		f.Add([]byte(seed))
	}
	h := newHarness(f)
	h.cfg.BurstWindow = 0 // answers inline: nothing is left on a timer between inputs
	h.start()
	f.Fuzz(func(t *testing.T, raw []byte) {
		if _, panicked := h.bot.HandleRaw(raw); panicked {
			t.Fatalf("a handler panicked on %s", raw)
		}
	})
}
