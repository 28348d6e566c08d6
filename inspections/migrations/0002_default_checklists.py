"""Version 1 of the default checklists, so a new installation can inspect from day one.

Item texts are data written by the narcotics office for Chinese users, hence in Chinese.

The narcotics office publishes later versions from the app; these rows are never edited.
"""

from django.db import migrations

SELF = [
    ("宣传与承诺", "禁毒宣传海报和禁毒责任状已张贴", "low"),
    ("人员", "今日在岗人员均已登记并签到", "medium"),
    ("包厢巡查", "已检查包厢：无锡纸、吸管、“笑气”罐、不明药丸", "high"),
    ("包厢巡查", "包厢内无人员有吸毒迹象", "high"),
    ("设施", "监控摄像头正常运行并录像", "medium"),
    ("人员", "场所内无未成年人", "high"),
    ("登记", "来客登记已落实", "low"),
    ("报告", "可疑人员和行为已向公安报告", "medium"),
]
DEPARTMENTS = {
    "narcotics": ("禁毒检查表", [
        ("证照", "场所及全体从业人员已签订禁毒责任状", "medium"),
        ("人员", "在岗人员与登记、当日签到一致", "medium"),
        ("培训", "在岗人员已通过禁毒知识考试", "medium"),
        ("现场", "包厢、卫生间、垃圾桶未发现吸毒工具", "high"),
        ("现场", "近 7 日每日自查记录完整", "low"),
        ("监控", "监控覆盖走廊和出入口，录像保存 30 天", "medium"),
    ]),
    "public_order": ("治安检查表", [
        ("登记", "宾客及来访人员登记完整", "medium"),
        ("人员", "安保人员在岗并经过培训", "low"),
        ("现场", "无赌博、卖淫嫖娼、打架斗殴", "high"),
        ("现场", "未接纳未成年人", "high"),
    ]),
    "culture_tourism": ("文广旅游检查表", [
        ("证照", "营业执照和娱乐经营许可证有效并公示", "medium"),
        ("内容", "曲目和节目来自合规曲库", "low"),
        ("现场", "遵守营业时间规定", "low"),
    ]),
    "fire": ("消防检查表", [
        ("通道", "安全出口和疏散通道畅通、照明正常", "high"),
        ("器材", "灭火器配备齐全、压力正常、按期检查", "medium"),
        ("设施", "火灾报警和喷淋系统正常", "high"),
        ("材料", "包厢内无易燃装饰材料", "medium"),
    ]),
}


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Checklist = apps.get_model("inspections", "Checklist")
    Item = apps.get_model("inspections", "ChecklistItem")
    plans = [("self", "每日自查表", SELF)] + [(k, t, items) for k, (t, items) in DEPARTMENTS.items()]
    for kind, title, items in plans:
        if Checklist.objects.filter(kind=kind).exists():
            continue
        c = Checklist.objects.create(kind=kind, version=1, title=title)
        Item.objects.bulk_create([
            Item(checklist=c, group=g, text=t, severity=s, order=i) for i, (g, t, s) in enumerate(items)
        ])


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
