"""Version 1 of both pledge texts (data for Chinese users, hence in Chinese), and on
PostgreSQL a trigger that refuses UPDATE and DELETE of signed pledges and published texts."""

from django.db import migrations

VENUE = """禁毒责任状（场所）

为认真贯彻《中华人民共和国禁毒法》和《娱乐场所管理条例》，落实娱乐服务场所禁毒主体责任，本场所负责人郑重承诺：

一、本场所负责人是场所禁毒工作第一责任人，对场所内发生的涉毒违法犯罪活动承担管理责任。
二、建立健全禁毒管理制度，在场所显著位置张贴禁毒宣传海报和举报电话。
三、如实登记全部从业人员，督促从业人员每日签到，新入职人员经禁毒知识培训并考试合格后方可上岗。
四、每日开展自查，对包厢、卫生间等重点部位巡查，发现锡纸、吸管、“笑气”罐、不明药丸等可疑物品立即报告公安机关。
五、不得容留、介绍他人吸食、注射毒品，不得为涉毒活动提供条件；发现涉毒线索立即报警并保护现场。
六、保持视频监控正常运行，录像资料保存不少于 30 日，按要求接受公安机关检查。
七、对公安机关责令限期整改的问题，按期整改并如实报告整改情况。

如违反上述承诺，自愿接受公安机关依法作出的处理，并承担相应法律责任。
"""

EMPLOYEE = """禁毒责任状（从业人员）

本人作为娱乐服务场所从业人员，自觉遵守《中华人民共和国禁毒法》，郑重承诺：

一、珍爱生命，远离毒品，不吸食、注射毒品，不参与任何涉毒活动。
二、积极参加禁毒知识学习，经考试合格后上岗，每日到岗按时签到。
三、不为他人吸毒、贩毒提供场所、工具或便利，不向顾客推荐、介绍毒品。
四、工作中发现吸毒工具、可疑物品或涉毒人员，立即向场所负责人和公安机关报告。
五、配合公安机关的检查和尿检等工作，如实提供情况。

如违反上述承诺，自愿接受场所和公安机关的处理，并承担相应法律责任。
"""

TRIGGER = """
CREATE OR REPLACE FUNCTION pledges_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is immutable', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER pledge_no_update_delete BEFORE UPDATE OR DELETE ON pledges_pledge
    FOR EACH ROW EXECUTE FUNCTION pledges_immutable();
CREATE TRIGGER pledgetemplate_no_update_delete BEFORE UPDATE OR DELETE ON pledges_pledgetemplate
    FOR EACH ROW EXECUTE FUNCTION pledges_immutable();
"""

DROP = """
DROP TRIGGER IF EXISTS pledge_no_update_delete ON pledges_pledge;
DROP TRIGGER IF EXISTS pledgetemplate_no_update_delete ON pledges_pledgetemplate;
DROP FUNCTION IF EXISTS pledges_immutable();
"""


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Template = apps.get_model("pledges", "PledgeTemplate")
    for kind, title, body in [("venue", "娱乐服务场所禁毒责任状", VENUE), ("employee", "从业人员禁毒责任状", EMPLOYEE)]:
        if not Template.objects.filter(kind=kind).exists():
            Template.objects.create(kind=kind, version=1, title=title, body=body, term_days=365)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER, params=None)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("pledges", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
