package lifecycle

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// stopWords are words that say nothing about what a promise or objection is
// about: pronouns, function words, time words, verbs of sending and doing,
// politeness. Two sentences sharing only these are not about the same thing.
var stopWords = toSet(
	"我们", "你们", "您们", "他们", "她们", "咱们", "我司", "贵司", "这边", "那边", "我们这边", "你们那边", "大家", "自己",
	"这个", "那个", "这些", "那些", "这次", "上次", "下次", "一下", "一个", "一份", "一些", "一起", "一定", "一直",
	"已经", "可以", "可能", "应该", "需要", "还是", "还有", "就是", "但是", "不过", "因为", "所以", "如果", "然后",
	"现在", "今天", "明天", "后天", "昨天", "本周", "这周", "下周", "上周", "周一", "周二", "周三", "周四", "周五", "周六", "周日", "周末",
	"下周一", "下周二", "下周三", "下周四", "下周五", "本周五", "这周五", "月底", "月初", "月中", "年底", "之前", "以前", "以后", "之后", "尽快", "马上",
	"发给", "发送", "提供", "给到", "完成", "安排", "准备", "处理", "跟进", "确认", "收到", "拿到", "查收", "附件", "邮箱", "邮件", "微信",
	"谢谢", "感谢", "辛苦", "你好", "您好", "麻烦", "请问", "没有", "问题", "时间", "东西", "事情", "情况", "方面", "那里", "这里",
	"老师", "经理", "总监", "领导", "同事", "客户", "公司", "部门", "项目", "内容", "资料", "文件", "系统", "平台", "产品",
	"sent", "attached", "done", "please", "the", "and", "for", "you", "we", "ok",
)

func toSet(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// terms returns the content words of a text: words of two runes or more
// made of Han characters, letters or digits, minus stop words, cue words
// and people's names. Numbers alone ("20", "2026") are left out: they
// recur across unrelated sentences.
func (d *Detector) terms(text string, names map[string]bool) []string {
	var out []string
	for _, w := range d.seg.Words(text) {
		lw := strings.ToLower(w)
		if utf8.RuneCountInString(w) < 2 || stopWords[lw] || names[w] || isCue(w) || !contentWord(w) {
			continue
		}
		out = append(out, lw)
	}
	return out
}

func contentWord(w string) bool {
	letters := 0
	for _, r := range w {
		switch {
		case unicode.Is(unicode.Han, r), unicode.IsLetter(r):
			letters++
		case unicode.IsDigit(r):
		default:
			return false
		}
	}
	return letters > 0
}

func isCue(w string) bool {
	for _, list := range [][]string{completionCues, receiptCues, withdrawCues, acceptCues} {
		for _, c := range list {
			if strings.EqualFold(c, w) {
				return true
			}
		}
	}
	return false
}

// honorifics follow a surname when people are addressed ("蒋总", "钟工");
// such mentions are names, not what a sentence is about.
var honorifics = []string{"总", "工", "经理", "老师", "主任", "院长", "部长", "处长", "科长", "姐", "哥", "老板", "博士", "医生"}

// addName adds a person's name and the ways they are addressed to names.
func addName(names map[string]bool, name string) {
	name = strings.TrimSpace(name)
	if name == "" {
		return
	}
	names[name] = true
	r := []rune(name)
	if len(r) >= 2 && len(r) <= 4 && unicode.Is(unicode.Han, r[0]) {
		for _, h := range honorifics {
			names[string(r[0])+h] = true
		}
		names["小"+string(r[0])] = true
		names["老"+string(r[0])] = true
	}
}

// sharesTerm reports whether two term lists name the same thing: a term in
// both, or, as the segmenter cuts compounds differently ("测试报告" and
// "报告"), two terms each contained in a term of the other list. One
// partial overlap alone ("理赔" and "理赔量") is too weak to tie a sentence
// to a promise.
func sharesTerm(a, b []string) bool {
	partial := 0
	for _, x := range a {
		for _, y := range b {
			switch {
			case x == y:
				return true
			case strings.Contains(x, y) || strings.Contains(y, x):
				partial++
			}
		}
	}
	return partial >= 2
}
