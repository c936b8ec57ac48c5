"""One case: parties, materials by round, deadlines and the full timeline."""

from __future__ import annotations

from html import escape

from app.case_states import ACTION_LABELS, STATE_LABELS, Action, State
from app.documents import PartySnapshot
from app.rules.case_number import display_case_number
from app.rules.deadlines import DeadlineLevel
from app.rules.decisions import NOT_APPLICABLE_NOTE, PROVIDED_LABELS, Provided
from app.usecases.queries import CaseDetail

LEVEL_HTML = {DeadlineLevel.RED: "<b style='color:#a12a2a'>【已超期】</b>", DeadlineLevel.YELLOW: "<b style='color:#8a6d00'>【临期】</b>"}


def _party(p: PartySnapshot | None, title: str) -> str:
    if not p:
        return ""
    rep = f"，法定代表人 {escape(p.legal_rep)}" if p.legal_rep else ""
    return (f"<p><b>{title}</b>：{escape(p.name)}（{escape(p.id_type)} {escape(p.id_number)}{rep}）"
            f" 电话 {escape(p.phone)} {escape(p.address)}</p>")


def _action_label(action: str) -> str:
    try:
        return ACTION_LABELS[Action(action)]
    except ValueError:
        return {"receive": "收件"}.get(action, action)


def _state(s: str) -> str:
    return STATE_LABELS[State(s)] if s else ""


def detail_html(d: CaseDetail) -> str:
    due = [f"受理决定期限：{d.acceptance_due:%Y-%m-%d}（逾期未决定视为受理）"] if d.state == "received" else []
    if d.committed_due:
        due.append(f"承诺办结：{d.committed_due:%Y-%m-%d}")
    if d.legal_due:
        due.append(f"法定办结：{d.legal_due:%Y-%m-%d}")
    if not d.due_confirmed:
        due.append("（期限跨入尚未公布节假日安排的年度，仅按周末计算，未确认）")
    basis = "（逾期未告知，依法视为受理）" if d.acceptance_basis == "deemed" else ""
    subs = "".join(
        f"<tr><td>第{s.round}轮</td><td>{escape(s.name)}</td><td>"
        + ("平台核验·免提交" if s.platform_verified else "容缺·承诺" + f"{s.promise_date:%Y-%m-%d}前补交" if s.tolerated
           else "不涉及" if s.provided == "none" and s.clerk_note == NOT_APPLICABLE_NOTE
           else PROVIDED_LABELS[Provided(s.provided)])
        + (f"（复用办件{escape(s.reused_from_case)}）" if s.reused_from_case else "")
        + f"</td><td>{s.pages or ''}</td><td style='color:#a12a2a'>{escape(s.problem_note if s.problem else '')}</td></tr>"
        for s in d.submissions
    )
    timeline = "".join(
        f"<li>{e.at:%Y-%m-%d %H:%M} {escape(e.actor_name)}：<b>{escape(_action_label(e.action))}</b>"
        f"{' → ' + escape(_state(e.to_state)) if e.to_state else ''}"
        f"{('　' + escape(e.note)) if e.note else ''}"
        + "".join(f"<br>　· 补正：{escape(x['name'])}（{escape(x['note'])}）" for x in e.detail.get("supplement", []))
        + "</li>"
        for e in d.timeline
    )
    reject = ""
    if d.state == "rejected":
        agency = f"<br>请向：{escape(d.competent_agency)} 申请" if d.competent_agency else ""
        reject = f"<p style='color:#a12a2a'><b>不予受理理由</b>：{escape(d.reject_reason)}{agency}<br>{escape(d.remedy)}</p>"
    susp = "".join(
        f"<li>{escape(p)}（时限{lim}个工作日）：{a:%Y-%m-%d} 起" + (f"，{b:%Y-%m-%d} 结束" if b else "，进行中（计时暂停）")
        + ("<b style='color:#a12a2a'>【已超过特别程序时限】</b>" if over else "") + "</li>"
        for p, lim, a, b, over in d.suspensions
    )
    return (
        f"<h3 style='margin:2px 0'>{display_case_number(d.number)} {LEVEL_HTML.get(d.level, '')}</h3>"
        f"<p><b>{escape(d.item_name)}</b>　{escape(d.department)}<br>状态：<b>{escape(d.state_label)}</b>{basis}　第{d.round}轮"
        f"　收件 {d.received_at:%Y-%m-%d %H:%M}（{escape(d.clerk_name)}，{escape(d.window_no)}）</p>"
        f"<p>{'　'.join(due)}</p>"
        + _party(d.applicant, "申请人") + _party(d.agent, "代理人")
        + (f"<p><b>授权委托</b>：{escape(d.authorisation)}</p>" if d.authorisation else "")
        + reject
        + (f"<p><b>特别程序</b></p><ul>{susp}</ul>" if susp else "")
        + f"<p><b>材料</b></p><table cellpadding='3'>{subs}</table>"
        + f"<p><b>办理过程</b></p><ol>{timeline}</ol>"
    )
