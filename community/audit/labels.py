"""What each audit action means, in the words a community worker or supervisor reads."""

from ..i18n import lazy_gettext as _l

ACTION_LABELS = {
    "account_locked": _l("账号因密码错误过多被锁定"),
    "agenda_item_added": _l("添加议程"),
    "agenda_item_moved": _l("调整议程顺序"),
    "agenda_item_removed": _l("删除议程"),
    "api_token_created": _l("建立外部渠道接口凭证"),
    "api_token_revoked": _l("停用外部渠道接口凭证"),
    "attendance_code": _l("居民用签到码签到"),
    "attendance_kiosk": _l("居民在自助终端签到"),
    "attendance_marked": _l("登记到会"),
    "ballot_assembly_tally": _l("登记现场举手表决"),
    "ballot_assist_reported": _l("居民报告代投有问题"),
    "ballot_assisted_vote": _l("志愿者协助投票"),
    "ballot_closed": _l("投票结束"),
    "ballot_created": _l("发起投票"),
    "ballot_opened": _l("投票开始"),
    "ballot_paper_entry": _l("登记纸质票"),
    "ballot_vote": _l("投票（不记录选择）"),
    "board_settings": _l("修改公开栏设置"),
    "body_created": _l("建立议事机构"),
    "body_member_added": _l("增加议事机构成员"),
    "body_member_removed": _l("移除议事机构成员"),
    "city_generated": _l("生成测试数据"),
    "comment_hidden": _l("隐藏居民意见"),
    "comment_posted": _l("居民发表意见"),
    "contribution_added": _l("登记共建捐助"),
    "demo_seeded": _l("载入演示数据"),
    "evaluation_answered": _l("居民提交评价（不记录选择）"),
    "evaluation_closed": _l("评价结束"),
    "evaluation_opened": _l("发起评价"),
    "fund_allocation": _l("拨付项目资金"),
    "fund_income": _l("登记资金收入"),
    "fund_opened": _l("建立资金账目"),
    "fund_policy_set": _l("修改惠民资金额度"),
    "fund_spending": _l("登记资金支出"),
    "issue_merged_into": _l("合并议题"),
    "issue_posted": _l("提出议题"),
    "issue_status": _l("议题状态变更"),
    "kiosk_registered": _l("登记自助终端"),
    "kiosk_revoked": _l("停用自助终端"),
    "meeting_recorded": _l("补录已开过的会议"),
    "meeting_scheduled": _l("安排会议"),
    "meeting_updated": _l("修改会议时间地点"),
    "minutes_published": _l("公布会议纪要"),
    "minutes_saved": _l("记录会议纪要"),
    "objection_filed": _l("提出异议"),
    "outcome_next_step": _l("确定协商成果的下一步"),
    "outcome_reviewed": _l("党组织审核协商成果"),
    "owner_changed": _l("变更业主和面积"),
    "pin_changed": _l("居民修改密码"),
    "pin_reset": _l("工作人员重设密码"),
    "progress_posted": _l("发布项目进展"),
    "project_created": _l("建立项目"),
    "publish_name_set": _l("居民设置是否公开姓名"),
    "resident_died": _l("登记居民去世"),
    "resident_moved": _l("登记居民搬迁"),
    "role_appointed": _l("任命职务"),
    "role_removed": _l("免去职务"),
    "roster_import": _l("导入居民名册"),
    "sms_opt_out_set": _l("居民设置短信通知"),
    "stakeholder_added": _l("增加利益相关方"),
    "stakeholder_removed": _l("移除利益相关方"),
    "task_added": _l("添加项目任务"),
    "task_status": _l("更新项目任务"),
    "visit_logged": _l("登记入户走访"),
    "volunteer_assigned": _l("给志愿者分配楼栋"),
    "volunteer_unassigned": _l("取消志愿者的楼栋"),
}
PREFIX_LABELS = {"project_": _l("项目状态变更"), "attendance_": _l("登记到会")}


def action_label(action: str) -> str:
    """The action in words; an action not listed yet shows as it is stored."""
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    for prefix, label in PREFIX_LABELS.items():
        if action.startswith(prefix):
            return str(label)
    return action
