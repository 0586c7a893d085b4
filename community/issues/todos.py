""""我的议题" in my to-dos: the status of each issue I raised, and who typed it in for me."""

from ..home.todos import TodoItem, TodoSection, provider
from ..i18n import gettext as _
from .queries import my_issues
from .service import helper_word, issue_url


@provider(order=35)
def my_issues_section(resident) -> TodoSection:
    """The "我的议题" section of my to-dos."""
    items = []
    for issue, by_volunteer in my_issues(resident):
        note = issue.status_label
        if issue.submitted_by is not None:
            note += " · " + _("由%(who)s %(name)s 代为提交", who=helper_word(by_volunteer),
                              name=issue.submitted_by.name)
        items.append(TodoItem(issue.title, issue_url(issue), note))
    return TodoSection(_("我的议题"), _("您还没有提过议题。有事可以点“议题”提出来。"), items)
