// Package lifecycle links a new message to the earlier commitments,
// objections and pain points of its account that it settles: a promise
// reported done ("报价单已经发您邮箱了") or acknowledged as received, a
// promised meeting held, a promise called off, an objection answered by us
// or accepted by the customer.
//
// Detection favours precision over recall: a promise wrongly taken as kept
// hides a real risk, while one missed here is still judged by its due date.
// Every transition carries the sentence that shows it, so a manager can
// check it.
package lifecycle

import (
	"log/slog"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/graph"
	"github.com/guanxi-dev/guanxi/ingest"
)

// Detector finds the transitions a message shows. It is safe for
// concurrent use.
type Detector struct {
	seg *extract.Segmenter
}

// New returns a Detector that cuts text into words with seg.
func New(seg *extract.Segmenter) *Detector { return &Detector{seg: seg} }

// Detect finds what msg fulfils, withdraws, answers or resolves among the
// earlier items of its account in facts, using the process-wide segmenter.
// When the segmenter cannot be loaded it finds nothing and logs why: the
// items then stay open and are judged by their due dates.
func Detect(facts graph.AccountFacts, msg ingest.Message, items []extract.Item) []graph.Transition {
	seg, err := extract.LoadSegmenter()
	if err != nil {
		slog.Error("lifecycle: no segmenter, transitions not detected", "message", msg.ID, "error", err)
		return nil
	}
	return New(seg).Detect(facts, msg, items)
}

// sentence is one sentence of the new message with who said it.
type sentence struct {
	text  string
	who   string // participant id, "" when unknown
	side  string // customer | vendor | ""
	terms []string
}

// Detect finds what msg fulfils, withdraws, answers or resolves among the
// earlier items of its account in facts; items are the items extracted
// from msg. Only items of the same account said strictly before msg, and
// still open as of msg (objections: not yet resolved), are considered; an
// item is never closed by its own message. Transitions come in the order of
// the items in facts.
func (d *Detector) Detect(facts graph.AccountFacts, msg ingest.Message, items []extract.Item) []graph.Transition {
	if msg.Channel == ingest.ChannelActivity || msg.OccurredAt.IsZero() {
		return nil
	}
	at := msg.OccurredAt.UTC()
	sides := map[string]string{}
	names := map[string]bool{}
	for _, p := range facts.People {
		sides[p.ID] = p.Side
		addName(names, p.Name)
	}
	for _, p := range msg.Participants {
		sides[p.ID] = string(p.Side)
		addName(names, p.Name)
	}
	m := &message{msg: msg, sides: sides, names: names}
	for _, u := range extract.Units(&msg) {
		s := sentence{text: u.Text, who: u.Speaker, side: sides[u.Speaker]}
		s.terms = d.terms(u.Text, names)
		m.sentences = append(m.sentences, s)
	}
	for _, it := range items {
		m.newItems = append(m.newItems, newItem{Item: it, terms: d.terms(it.Text, names)})
	}

	var out []graph.Transition
	for _, it := range facts.Items {
		if it.AccountID != "" && it.AccountID != msg.Account.ID || it.MessageID == msg.ID ||
			!it.OccurredAt.Before(at) {
			continue
		}
		status := graph.StatusAt(it, at)
		add := func(kind, evidence string) {
			out = append(out, graph.Transition{ItemID: it.ID, Kind: kind, MessageID: msg.ID, At: at, Evidence: evidence})
		}
		terms := d.terms(it.Text, names)
		switch it.Type {
		case extract.Commitment:
			if status != graph.StatusOpen && status != graph.StatusBroken {
				continue
			}
			if ev, ok := m.withdrawn(it, terms); ok {
				add(graph.TransitionWithdrawn, ev)
			} else if ev, ok := m.kept(it, terms); ok {
				add(graph.TransitionKept, ev)
			}
		case extract.Objection:
			if status == graph.StatusResolved || status == graph.StatusWithdrawn || status == graph.StatusKept {
				continue
			}
			answer, answered := m.answered(it, terms)
			if answered && status == graph.StatusOpen {
				add(graph.TransitionAnswered, answer)
			}
			if ev, ok := m.resolved(it, terms, answered); ok {
				add(graph.TransitionResolved, ev)
			}
		case extract.PainPoint:
			// A pain point goes away in the customer's business, not in a
			// sentence; only an explicit statement that it is solved counts.
			if status != graph.StatusOpen {
				continue
			}
			if ev, ok := m.painSolved(it, terms); ok {
				add(graph.TransitionResolved, ev)
			}
		}
	}
	return out
}

// message is the new message, prepared for matching.
type message struct {
	msg       ingest.Message
	sides     map[string]string
	names     map[string]bool
	sentences []sentence
	newItems  []newItem
}

type newItem struct {
	extract.Item
	terms []string
}

// Cue words. A completion report says the thing is done and sent; pending
// cues turn it back into a plan or a question ("报价单我们还在准备",
// "方案已经发了吗？").
var (
	completionCues = []string{
		"已发", "已经发", "发过去了", "发过去啦", "发给您了", "发给你了", "发您了", "发你了", "给您发了", "给你发了",
		"已提交", "已经提交", "提交了", "已上线", "已经上线", "上线了", "已完成", "已经完成", "完成了", "做完了", "弄好了",
		"已安排", "已经安排", "安排好了", "已开通", "已经开通", "开通了", "已交付", "已经交付", "交付了", "已部署", "已经部署", "部署好了",
		"已修复", "已经修复", "修复了", "修好了", "已上传", "已经上传", "上传了", "已发送", "已经发送", "已提供", "已经提供",
		"已签", "已经签", "签好了", "盖好章", "已付", "已经付", "已支付", "已打款", "已经打款", "打过去了", "付过了",
		"附件是", "见附件", "附件为", "附上", "请查收", "请查阅", "请过目",
		"sent", "attached", "done", "delivered", "uploaded",
	}
	receiptCues = []string{"已收到", "已经收到", "收到了", "拿到了", "已经拿到", "已拿到", "收悉", "received", "got it"}
	pendingCues = []string{
		"还在", "还没", "没有", "尚未", "未能", "准备", "正在", "马上", "稍后", "待会", "尽快", "回头", "争取",
		"将会", "打算", "计划", "还要", "如果", "等您", "等你", "等我们", "吗", "是否", "能否", "什么时候", "何时", "多久",
		"？", "?", "没收到", "未收到", "没发", "还差", "延期", "推迟", "来不及", "赶不上", "预计", "预期", "将于", "如果", "如", "若", "否则", "仍无法", "无法",
	}
	withdrawCues = []string{"取消", "不用了", "先不做了", "不做了", "不需要了", "不用再", "用不着了", "作罢", "先不用", "不必了"}
	acceptCues   = []string{
		"可以接受", "能接受", "没问题了", "没有问题了", "认可", "同意", "那就这样", "就这么定", "就按这个", "就按这个来", "就这样定",
		"没意见", "OK", "ok", "Ok", "好的，就", "接受",
	}
	rejectCues = []string{
		"不能接受", "无法接受", "接受不了", "难以接受", "不同意", "不认可", "还是不行", "不行", "还是觉得", "再考虑", "考虑一下",
		"不太", "还是太", "太高", "太贵", "有问题", "有点问题", "不OK", "不ok",
	}
	solvedCues = []string{"解决了", "已经解决", "已解决", "好多了", "没再出现", "不再", "恢复正常", "改善了", "明显下降", "降下来了"}
	meetingCue = []string{"会议", "开会", "拜访", "演示", "上门", "现场", "培训", "交流会", "评审会", "汇报会", "启动会", "见面", "来一趟", "碰一下", "沟通会", "过来"}
)

// answerCues are the words a reply uses to address an objection of each
// subtype.
var answerCues = map[string][]string{
	"price":      {"报价", "折扣", "分期", "两期", "首期", "优惠", "让利", "价格", "费用", "降价", "套餐", "分阶段", "一期", "ROI", "投资回报", "按模块"},
	"terms":      {"账期", "付款", "分期", "两期", "首付", "尾款", "条款", "预付", "结算", "发票"},
	"technical":  {"方案", "测试", "压测", "优化", "架构", "性能", "接口", "扩容", "调优", "验证", "POC", "poc", "数据"},
	"risk":       {"案例", "保障", "安全", "合规", "等保", "测试报告", "承诺", "SLA", "兜底", "备份", "试点"},
	"timing":     {"排期", "分阶段", "分批", "计划", "时间表", "提前", "加派", "节奏", "上线时间"},
	"authority":  {"汇报", "领导", "决策", "拜访", "引荐", "材料", "汇报材料"},
	"need":       {"ROI", "价值", "收益", "案例", "测算", "节省", "效果"},
	"competitor": {"对比", "优势", "差异", "案例", "试用", "同等条件"},
}

// withdrawn finds an explicit calling-off of the promise, by either side,
// that names what was promised.
func (m *message) withdrawn(it graph.ItemFact, terms []string) (string, bool) {
	for _, s := range m.sentences {
		if s.side == "" || !containsAny(s.text, withdrawCues) || !sharesTerm(terms, s.terms) {
			continue
		}
		// "不用了吗？" asks, and "如果……就取消" threatens; neither calls
		// anything off.
		if strings.ContainsAny(s.text, "？?") || containsAny(s.text, []string{"吗", "如果", "如", "若", "否则", "的话"}) {
			continue
		}
		return s.text, true
	}
	return "", false
}

// kept finds fulfilment of a promise:
//   - the side that promised reports it done, about the same thing;
//   - the side it was promised to acknowledges receipt of it;
//   - a promised meeting: a later meeting or call with the people it was
//     promised to.
func (m *message) kept(it graph.ItemFact, terms []string) (string, bool) {
	// A call keeps only a promise of a call: a phone call about something
	// else is not the visit, demo or training that was promised.
	if isMeetingPromise(it) && (m.msg.Channel == ingest.ChannelMeeting ||
		m.msg.Channel == ingest.ChannelCall && containsAny(it.Text, []string{"电话", "线上", "视频", "远程", "腾讯会议", "钉钉会议"})) {
		if ev, ok := m.meetingWith(it); ok {
			return ev, true
		}
	}
	if len(terms) == 0 {
		return "", false
	}
	for _, s := range m.sentences {
		if s.side == "" || !sharesTerm(terms, s.terms) {
			continue
		}
		switch {
		case s.side == it.Party && hasCue(s.text, completionCues) && !hasPending(s.text):
			return s.text, true
		case s.side != it.Party && hasCue(s.text, receiptCues) && !hasPending(s.text) && m.promisee(it, s.who):
			return s.text, true
		}
	}
	return "", false
}

// promisee reports whether who is one the promise was made to; when the
// promise names nobody, anyone of the other side is.
func (m *message) promisee(it graph.ItemFact, who string) bool {
	if len(it.PromisedTo) == 0 {
		return m.sides[who] != "" && m.sides[who] != it.Party
	}
	return slices.Contains(it.PromisedTo, who)
}

func isMeetingPromise(it graph.ItemFact) bool {
	return it.Subtype == "meeting" || containsAny(it.Text, meetingCue)
}

// meetingWith reports whether the message is a meeting or call attended by
// someone the promise was made to, and names it.
func (m *message) meetingWith(it graph.ItemFact) (string, bool) {
	attended := false
	for _, p := range m.msg.Participants {
		if string(p.Side) != it.Party && m.promisee(it, p.ID) {
			attended = true
			break
		}
	}
	if !attended {
		return "", false
	}
	// A meeting called off in its own notes was not held.
	for _, s := range m.sentences {
		if containsAny(s.text, []string{"取消", "改期", "延期", "推迟", "没开成"}) {
			return "", false
		}
	}
	switch {
	case m.msg.Subject != "":
		return m.msg.Subject, true
	case len(m.sentences) > 0:
		return m.sentences[0].text, true
	}
	return string(m.msg.Channel), true
}

// answered finds our reply to a customer objection: a vendor sentence, in a
// message the objector (or, when unknown, a customer contact) takes part in,
// that uses the answer words of the objection's subtype or shares a
// content term with it, and is not a question back.
func (m *message) answered(it graph.ItemFact, terms []string) (string, bool) {
	if it.Party != string(ingest.SideCustomer) || !m.reaches(it.Speaker) {
		return "", false
	}
	cues := answerCues[it.Subtype]
	for _, s := range m.sentences {
		if s.side != string(ingest.SideVendor) || strings.ContainsAny(s.text, "？?") {
			continue
		}
		// Without answer words of its own subtype, an objection is answered
		// only by a sentence about the same thing.
		if containsAny(s.text, cues) || len(cues) == 0 && sharesTerm(terms, s.terms) {
			return s.text, true
		}
	}
	return "", false
}

// reaches reports whether the customer contact who took part in the
// message, or any customer contact when who is unknown.
func (m *message) reaches(who string) bool {
	for _, p := range m.msg.Participants {
		if p.Side == ingest.SideCustomer && (who == "" || p.ID == who) {
			return true
		}
	}
	return false
}

// resolved finds the objector accepting: the same contact (any customer
// contact when unknown) says they accept, about the objection's topic or
// right after our answer in the same message; or goes on to make a
// commitment about the topic.
func (m *message) resolved(it graph.ItemFact, terms []string, answeredHere bool) (string, bool) {
	if it.Party != string(ingest.SideCustomer) {
		return "", false
	}
	same := func(who string) bool {
		if it.Speaker == "" {
			return m.sides[who] == string(ingest.SideCustomer)
		}
		return who == it.Speaker
	}
	cues := answerCues[it.Subtype]
	answerSeen := false
	for _, s := range m.sentences {
		if s.side == string(ingest.SideVendor) && (containsAny(s.text, cues) || sharesTerm(terms, s.terms)) {
			answerSeen = true
			continue
		}
		if !same(s.who) || !hasCue(s.text, acceptCues) || containsAny(s.text, rejectCues) || strings.ContainsAny(s.text, "？?") {
			continue
		}
		onTopic := sharesTerm(terms, s.terms) || containsAny(s.text, cues)
		if onTopic || (answerSeen && answeredHere) {
			return s.text, true
		}
	}
	for _, n := range m.newItems {
		if n.Type == extract.Commitment && n.Party == string(ingest.SideCustomer) && same(n.Speaker) &&
			(sharesTerm(terms, n.terms) || containsAny(n.Text, cues)) && !containsAny(n.Text, rejectCues) {
			return n.Text, true
		}
	}
	return "", false
}

// painSolved finds the customer saying the pain is gone.
func (m *message) painSolved(it graph.ItemFact, terms []string) (string, bool) {
	for _, s := range m.sentences {
		if s.side == string(ingest.SideCustomer) && containsAny(s.text, solvedCues) && sharesTerm(terms, s.terms) &&
			!strings.ContainsAny(s.text, "？?") && !containsAny(s.text, []string{"还没", "没有解决", "没解决", "仍然", "依然", "还是"}) {
			return s.text, true
		}
	}
	return "", false
}

// hasCue reports whether s contains a cue not immediately negated
// ("没收到", "未完成").
func hasCue(s string, cues []string) bool {
	for _, c := range cues {
		from := 0
		for {
			i := strings.Index(s[from:], c)
			if i < 0 {
				break
			}
			i += from
			if !negated(s[:i]) && latinBoundary(s, i, len(c)) {
				return true
			}
			from = i + len(c)
		}
	}
	return false
}

// latinBoundary keeps Latin cues to whole words ("done" not in "undone").
func latinBoundary(s string, i, n int) bool {
	if r, _ := utf8.DecodeRuneInString(s[i:]); r >= utf8.RuneSelf {
		return true
	}
	if i > 0 {
		if r, _ := utf8.DecodeLastRuneInString(s[:i]); r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return false
		}
	}
	if i+n < len(s) {
		if r, _ := utf8.DecodeRuneInString(s[i+n:]); r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return false
		}
	}
	return true
}

func negated(before string) bool {
	for _, n := range []string{"没", "未", "不", "无", "没有", "还没", "尚未", "not ", "n't "} {
		if strings.HasSuffix(before, n) {
			return true
		}
	}
	return false
}

// hasPending reports whether a sentence says the thing is not done yet, is
// only planned, or asks about it.
func hasPending(s string) bool {
	// Completion words that contain a pending cue ("没问题") are not
	// pending.
	t := strings.NewReplacer("没问题", "", "不客气", "", "等下", "", "不好意思", "").Replace(s)
	return containsAny(t, pendingCues)
}

func containsAny(s string, cues []string) bool {
	for _, c := range cues {
		if strings.Contains(s, c) {
			return true
		}
	}
	return false
}
