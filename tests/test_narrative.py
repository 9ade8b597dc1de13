"""Narrative phrasings as real reports write them (models/forms/narrative_*.yaml).

Each class is checked on clean simplified text, on traditional text, and on text with the
mirror farm's damage (per-character traditional, pinyin after chosen characters such as
復(fù)議, GBK-misaligned runs): zhreport.normalize must undo the damage before the rules apply.
"""
import pytest

import zhreport
from zhreport.errors import DataError
from zhreport.forms.mapping import parse_rule_text, validate_rules
from zhreport.normalize.damage import farm_damage, to_traditional_chars

# characters the farm annotates with pinyin in these tests (復(fù)議 etc.)
PINYIN_CHARS = "復議訴訟請轉結職費縣鎮"

# (year, text, {field: value}) -- one phrasing class each
CLASSES = {
    # items published by the proactive list, '主动公开' and '信息' apart (a 2014 township's page)
    "items_by_proactive_list": (2013, "本年度依照主动公开目录公开各类信息及工作动态信息合计58条。",
                                {"proactive.items.total": 58}),
    "items_by_proactive_scope": (2012, "全年按照主动公开范围发布政府信息共计132条。", {"proactive.items.total": 132}),
    "no_request_without_a_verb": (2014, "本年度没有申请公开政府信息的情况。", {"requests.received.total": 0}),
    # a count that goes on with this year's part of it spans more than the year (a held-out 2014 page)
    "cumulative_then_this_year": (2013, "截至2013年12月31日，在县政府网站累计公开政府信息760条，其中本年度在县政府网站公开95条。",
                                  {"proactive.channels.website": 95}),
    # 2024 townships (held-out pages): requests as 请求, the answer count after the received one, the bare
    # nouns 复议/诉讼 in the review sentence
    "requests_as_qingqiu": (2022, "本年度依申请公开请求11件。", {"requests.received.total": 11}),
    "answered_after_received": (2023, "全年收到政府信息公开申请4件，已及时答复4件。",
                                {"requests.received.total": 4, "requests.outcome.total.total": 4}),
    "bare_review_nouns": (2024, "本年度因政府信息公开发生复议2件，诉讼1件。", {"admin_review.total": 2, "litigation.total": 1}),
    "items_then_this_year": (2012, "截至目前共主动公开政府信息430条，其中本年主动公开政府信息61条。",
                             {"proactive.items.total": 61}),
    "carry_over_transposed": (2021, "全年共收到政府信息公开申请5件，上年转结1件，转下一年办理0件。",
                              {"requests.carried_over.total": 1, "requests.carried_forward.total": 0}),
    "carry_over_inside_total": (2022, "全年共受理政府信息公开申请9件，含上年度转结申请2件，另有3件申请转结下年度。",
                                {"requests.carried_over.total": 2, "requests.carried_forward.total": 3}),
    "no_carry_over_words": (2020, "本年度无上年转结的申请，也无下年度结转。",
                            {"requests.carried_over.total": 0, "requests.carried_forward.total": 0}),
    "issued_normative_docs": (2022, "本年度制定发布规范性文件4件，废止2件，现行有效规范性文件11件。",
                              {"proactive.art20_1.normative_docs.issued": 4, "proactive.art20_1.normative_docs.repealed": 2,
                               "proactive.art20_1.normative_docs.in_force": 11}),
    "not_issued_normative_docs": (2023, "本年度未制发规范性文件。", {"proactive.art20_1.normative_docs.issued": 0}),
    "negated_litigation": (2024, "全年共收到政府信息公开申请3件。全年未收到因依申请公开答复而引起的行政复议和诉讼。",
                           {"requests.received.total": 3, "admin_review.total": 0, "litigation.total": 0}),
    "no_requests_words": (2023, "2023年，我局没有依申请公开政府信息的情况。", {"requests.received.total": 0}),
    "no_fees_words": (2013, "2013年度没有关于信息公开的收费及减免情况。", {"fees.request_fees": 0}),
    "no_review_appeal": (2015, "2015年度未发生针对政府信息公开事务的复议、诉讼和申诉。",
                         {"admin_review.total": 0, "litigation.total": 0}),
    "answered_all": (2024, "共收到政府信息公开申请3件，均在法定期限内予以答复。",
                     {"requests.received.total": 3, "requests.outcome.total.total": 3}),
    "review_pending": (2019, "信息公开类行政复议1起，正在办理中。", {"admin_review.total": 1, "admin_review.pending": 1}),
    "list_subject_requests": (2024, "共收到公民、法人或者其他组织的政府信息公开申请6件。", {"requests.received.total": 6}),
    "counted_noun_after_verb": (2015, "配备了2名兼职工作人员，在办公室设立了1个政府信息查阅点。",
                                {"capacity.staff.part_time": 2, "capacity.reading_points": 1}),
    "other_channels_variant": (2017, "通过其它便于公众知晓的方式公开信息120条。", {"proactive.channels.other": 120}),
    "requests_counted_in_letters_and_cases": (2023, "全年收到政府信息公开申请17封，均已按时答复。", {"requests.received.total": 17}),
    "requests_counted_in_cases_2008": (2015, "本年度共受理政府信息公开申请6宗。", {"requests.received.total": 6}),
    # fresh pages of 2024 (G1 audit): the next year named by its year, the answered requests named after 答复
    "carry_forward_to_named_year": (2024, "2024年共收到依申请公开件18件，上年度结转办理2件，共办结15件，结转到2025年办理5件。",
                                    {"requests.received.total": 18, "requests.carried_over.total": 2,
                                     "requests.outcome.total.total": 15, "requests.carried_forward.total": 5}),
    "answered_named_after_verb": (2024, "新收到依申请公开政府信息26件，答复依申请公开政府信息24件，均在法定期限内予以答复，"
                                        "结转下年度继续办理2件。",
                                  {"requests.received.total": 26, "requests.outcome.total.total": 24,
                                   "requests.carried_forward.total": 2}),
    # the staff's kind after the number (2018 street office)
    # '上年无结转' is last year's carry-over (0), not the next year's
    "no_carry_over_from_last_year_written_after_the_year": (2022, "本年度新收政府信息公开申请5件，上年无结转，均已按时办结。",
                                                            {"requests.received.total": 5,
                                                             "requests.carried_over.total": 0,
                                                             "requests.outcome.total.total": 5}),
    # values listed after 分别 go to the items in their order (G3 audit, a provincial 2022 page)
    "respective_values": (2022, "全市行政许可、行政处罚、行政强制决定数量分别为1532万宗、286万宗和41万宗。",
                          {"proactive.art20_5.licensing.decisions": 15320000,
                           "proactive.art20_6.penalty.decisions": 2860000,
                           "proactive.art20_6.coercion.decisions": 410000}),
    "respective_values_in_a_plain_list": (2022, "本年度行政许可、行政处罚决定分别为35件、12件。",
                                          {"proactive.art20_5.licensing.decisions": 35,
                                           "proactive.art20_6.penalty.decisions": 12}),
    "shared_value_each": (2022, "本年度作出行政许可、行政处罚决定各3件。",
                          {"proactive.art20_5.licensing.decisions": 3, "proactive.art20_6.penalty.decisions": 3}),
    # G5 held-out audit: a running total since the system began is not the year's count; a year's is
    "cumulative_since_the_system_began": (2016, "我们通过政府信息公开目录管理系统累计主动公开政府信息已达520条。"
                                                "2016年新增主动公开政府信息43条，其中概况信息6条。",
                                          {"proactive.items.total": 43}),
    "cumulative_over_the_year": (2016, "全年累计主动公开政府信息96条，其中通过网站公开80条。",
                                 {"proactive.items.total": 96, "proactive.channels.website": 80}),
    "staff_counted_with_the_polite_measure_word": (2016, "配备了2位兼职人员负责信息发布。", {"capacity.staff.part_time": 2}),
    # G7 held-out audit: a total to the year's end with the agent between (截至…底，本局累计…) is no year figure,
    # and no paraphrase gives back what the rule ruled out
    "cumulative_to_the_years_end_with_the_agent_between": (2011, "截至到2011年底，本局累计主动公开政府信息12840条，"
                                                                 "全文电子化率达100%。2011年新增的主动公开政府信息4210条。",
                                                           {"proactive.items.total": 4210}),
    # G8 held-out audit: every request granted, said with 全部; no fee said as 无行政事业性收费 (2021 form)
    "all_granted_said_with_quanbu": (2024, "收到政府信息公开申请3项全部予以公开，无上年结转政府信息公开申请。",
                                     {"requests.received.total": 3, "requests.outcome.granted.total": 3,
                                      "requests.carried_over.total": 0}),
    "no_administrative_fees": (2024, "全年行政许可决定278件、行政处罚1217件、行政强制402件、无行政事业性收费。",
                               {"proactive.art20_8.fees.amount": 0, "proactive.art20_6.penalty.decisions": 1217}),
    "licensing_cases_concluded": (2024, "截至12月31日，我局共办结行政许可事项8240件、行政处罚187件、实施行政强制12件。",
                                  {"proactive.art20_5.licensing.decisions": 8240, "proactive.art20_6.penalty.decisions": 187,
                                   "proactive.art20_6.coercion.decisions": 12}),
    # G9 held-out audit's misses: the rest carried forward said after the number, the next year named without
    # 至/到, and lawsuits written 诉讼 rather than 起诉
    "rest_carried_forward_after_the_number": (2023, "本街道共收到12件信息依申请公开，其中10件已经按时完成答复，剩余2件结转下年度继续办理。",
                                              {"requests.received.total": 12, "requests.carried_forward.total": 2}),
    "carried_forward_to_a_named_year_without_zhi": (2022, "全年收到依申请公开事项94件，当年办结91件，结转2023年办理3件。",
                                                    {"requests.carried_forward.total": 3}),
    "direct_and_after_review_lawsuits_written_susong": (2020, "全年未经复议直接诉讼0件，复议后诉讼0件。",
                                                        {"litigation.direct.total": 0, "litigation.after_review.total": 0}),
    "staff_kind_after_number": (2018, "成立了政府信息公开工作领导小组，安排了4名工作人员兼职负责政务公开的日常工作，另配备1人专职从事信息发布。",
                                {"capacity.staff.part_time": 4, "capacity.staff.full_time": 1}),
    # G4 (the G3 held-out pages' misses): a bare 'no applications' line under the requests heading; outcome
    # counts as quoted categories with a share, each on its own line; a zero fee with a bracketed list of
    # fee kinds; staff put in place with each kind's count after it; a request counted in 次; the answered
    # count with the cut-off date before it
    "no_applications_line_under_the_requests_heading": (2015, "三、依申请公开政府信息情况\n本单位2015年度无申请。\n"
                                                               "四、政府信息公开收费情况\n本单位未收费。",
                                                        {"requests.received.total": 0}),
    "no_applications_line_under_the_requests_heading_2019": (2020, "三、收到和处理政府信息公开申请情况\n2020年度无申请。",
                                                             {"requests.received.total": 0}),
    "quoted_outcomes_with_shares": (2016, "在已答复的8件申请中，“同意公开”的5件，占总数的62.5%。\n"
                                          "“同意部分公开”2件，占总数的25%。\n“不予公开”的1件，占总数的12.5%。",
                                    {"requests.outcome.granted.total": 5, "requests.outcome.partial.total": 2,
                                     "requests.outcome.denied.total": 1}),
    "zero_fee_with_listed_kinds": (2016, "本年度依申请公开收取的费用（复制费、邮寄费等）为0元。", {"fees.request_fees": 0}),
    "staff_put_in_place_each_kind_after": (2017, "为做好政府信息公开工作，本镇配备两名工作人员，其中专职和兼职人员各一名。",
                                           {"capacity.staff.total": 2, "capacity.staff.full_time": 1,
                                            "capacity.staff.part_time": 1}),
    "requests_counted_in_times": (2020, "2020年度本镇发生依申请公开2次。", {"requests.received.total": 2}),
    "answered_after_a_cutoff_date": (2024, "全年共收到依申请公开申请30件，上年结转4件，截至12月底已回复31件，3件正在办理中。",
                                     {"requests.received.total": 30, "requests.carried_over.total": 4,
                                      "requests.outcome.total.total": 31}),
    # G4 audit (fresh 2013 township pages): a zero counted for review and litigation together; the 2008
    # form's joint heading counted as zero
    "zero_of_review_and_litigation_together": (2014, "全年因政府信息公开被申请行政复议、提起行政诉讼的案件0件。",
                                               {"admin_review.total": 0, "litigation.total": 0}),
    "zero_of_review_and_litigation_together_2021": (2023, "本年度涉及政府信息公开的行政复议和行政诉讼0起。",
                                                    {"admin_review.total": 0, "litigation.total": 0}),
    # parts before their sum: the sum is the total, not the first part (G3's held-out 2024 district)
    "sum_after_parts_is_the_received_total": (2024, "全年共收到群众网上申请64件，信函9件，合计73件，上年结转4件。",
                                              {"requests.received.total": 73, "requests.carried_over.total": 4}),
    # a count holding last year's carry-over, then the newly received one: the new one is the received total
    "newly_received_after_the_carry_over": (2024, "2024年共受理依申请公开事项40件，结转上年后新收到依申请公开事项36件。",
                                            {"requests.received.total": 36}),
    "joint_heading_counted_as_zero": (2012, "本年度依申请和不予公开的政府信息条数为0条。", {"requests.received.total": 0}),
    # G11 (the misses of G3-G9's pages): the requests handled said once for all outcomes; every request
    # concluded with the time between (2019 form too); answered said 回复; review and litigation run together
    # in a zero; review pending said 尚未办结; no requests named first in a list of what did not happen
    "requests_handled_are_the_outcome_total": (2023, "全年共办理依申请公开事项17件，无结转下年度办理的申请。",
                                               {"requests.outcome.total.total": 17, "requests.carried_forward.total": 0}),
    "requests_handled_verb_after": (2021, "全年依申请公开办理36件。", {"requests.outcome.total.total": 36}),
    "no_request_handled": (2022, "2022年我站办理依申请公开0件。", {"requests.outcome.total.total": 0}),
    "all_concluded_in_time_2019_form": (2020, "全年受理依申请信息公开9件，全部在规定时限内办结。",
                                        {"requests.received.total": 9, "requests.outcome.total.total": 9}),
    "all_answered_said_huifu": (2023, "本年度收到信息公开申请6件，均已在规定期限内予以回复，无提起行政复议诉讼情况。",
                                {"requests.received.total": 6, "requests.outcome.total.total": 6,
                                 "admin_review.total": 0, "litigation.total": 0}),
    "review_pending_said_not_concluded": (2020, "全年共收到行政复议3件，维持结果2件，尚未办结1件。",
                                          {"admin_review.total": 3, "admin_review.upheld": 2, "admin_review.pending": 1}),
    "no_requests_first_in_a_list": (2020, "本年度无依申请公开和复议、诉讼的情况。",
                                    {"requests.received.total": 0, "admin_review.total": 0, "litigation.total": 0}),
    "applicant_said_as_subject": (2022, "全年共受理依申请公开申请2件，申请主体为自然人，已及时办理。",
                                  {"requests.received.total": 2, "requests.received.natural_person": 2}),
    # normative documents: published said of the year's documents (2021 form: issued); made said 印发 with the
    # published count after it, its noun left out (2019 form); repealed named among other verbs in a zero
    "normative_docs_published_are_issued": (2022, "2022年我局发布行政规范性文件3篇，政策解读5篇。",
                                            {"proactive.art20_1.normative_docs.issued": 3}),
    "normative_docs_published_none": (2023, "2023年，我局共发布行政规范性文件0条，解读文件4条。",
                                      {"proactive.art20_1.normative_docs.issued": 0}),
    "normative_docs_printed_then_published": (2020, "全年印发规范性文件2件，公开并解读2件。",
                                              {"proactive.art20_1.normative_docs.new_made": 2,
                                               "proactive.art20_1.normative_docs.new_published": 2}),
    # G11 fresh pages: the petition bureau receiving requests; the 无法提供 subtotal named with several reasons;
    # the answered count said number first after the received count
    "requests_received_by_the_petition_bureau": (2025, "2025年，某市信访局共受理政府信息公开申请7件。",
                                                 {"requests.received.total": 7}),
    "unable_subtotal_with_several_reasons": (2020, "共收到政府信息公开申请40件，其中本机关不掌握相关信息或没有现成信息无法提供的12件。",
                                             {"requests.received.total": 40, "requests.outcome.unable.total": 12}),
    "answered_number_first_after_the_received_count": (2025, "全年共收到依申请公开31件，多数通过网上提交，29件已按照规定时限"
                                                             "依法进行了答复，2件结转下年。",
                                                       {"requests.received.total": 31, "requests.outcome.total.total": 29,
                                                        "requests.carried_forward.total": 2}),
    # zeros said as 零 or a bare 0 after 为: review and litigation joined, the applications, last year's carry-over
    "review_and_litigation_joined_are_zero_in_words": (2022, "本年度政府信息公开行政复议、行政诉讼均为零。",
                                                       {"admin_review.total": 0, "litigation.total": 0}),
    "review_and_litigation_joined_bare_zero": (2021, "本年度行政复议和行政诉讼均为0。",
                                               {"admin_review.total": 0, "litigation.total": 0}),
    "applications_counted_as_zero_in_words": (2020, "本年度收到的政府信息公开申请为零，上年结转政府信息公开申请为0。",
                                              {"requests.received.total": 0, "requests.carried_over.total": 0}),
    # outcomes in running text: the information given as asked; unclear requests said without 补正后
    "information_given_as_asked": (2019, "收到政府信息公开申请7件，已按申请内容提供给申请人5件，申请内容不明确2件。",
                                   {"requests.received.total": 7, "requests.outcome.granted.total": 5,
                                    "requests.outcome.unable.unclear_after_correction.total": 2}),
    "repealed_among_other_verbs_none": (2025, "本年度我局未制发、废止、修改行政规范性文件，现行有效行政规范性文件5个。",
                                        {"proactive.art20_1.normative_docs.issued": 0,
                                         "proactive.art20_1.normative_docs.repealed": 0,
                                         "proactive.art20_1.normative_docs.in_force": 5}),
    # G12/G13 held-out audits: the newly received count in brackets after a total holding the carry-over;
    # 不同意公开 is the denial (not 同意公开); zeros said 情况为0 and requests first in a list after 未有; every
    # request answered with a long manner between; the carry-over named by its year inside a total; requests
    # handled said 依申请信息公开事项; litigation received, its branches' outcomes said in words
    "new_ones_in_brackets_after_a_total_with_carry_over": (2023, "全年共受理政府信息依申请公开47件（其中本年新收申请数41件，"
                                                                 "上年结转申请数6件），已答复45件。",
                                                           {"requests.received.total": 41, "requests.carried_over.total": 6,
                                                            "requests.outcome.total.total": 45}),
    "not_agreed_to_disclose_is_denied": (2022, "收到政府信息公开申请9件，属于同意公开的5件，不同意公开的2件，无法提供的2件。",
                                         {"requests.outcome.granted.total": 5, "requests.outcome.denied.total": 2,
                                          "requests.outcome.unable.total": 2}),
    "review_and_litigation_situation_is_zero": (2020, "本单位因政府信息公开被申请行政复议、提起行政诉讼的情况为0。",
                                                {"admin_review.total": 0, "litigation.total": 0}),
    "no_requests_first_in_a_list_after_weiyou": (2022, "本年度未有受理信息公开申请、行政复议、诉讼和申诉情况。",
                                                 {"requests.received.total": 0, "admin_review.total": 0,
                                                  "litigation.total": 0}),
    "all_answered_with_a_long_manner_between": (2025, "全年新收到政府信息公开申请3件，均严格依照法定期限和既定程序予以答复。",
                                                {"requests.received.total": 3, "requests.outcome.total.total": 3}),
    "carry_over_named_by_its_year_inside_a_total": (2024, "办结依申请公开件58件（含2023年结转的4件），其中予以公开30件。",
                                                    {"requests.outcome.total.total": 58, "requests.carried_over.total": 4}),
    "requests_handled_said_information_disclosure_matters": (2023, "2023年，共办理依申请信息公开事项64件。",
                                                              {"requests.outcome.total.total": 64}),
    "litigation_received_and_branch_outcomes_in_words": (2023, "2023年收到行政复议4件，其中结果维持4件。收到诉讼为3件，其中未经"
                                                               "复议直接起诉2件，均尚未审结。复议后起诉1件，结果维持。",
                                                         {"litigation.total": 3, "litigation.direct.total": 2,
                                                          "litigation.direct.pending": 2,
                                                          "litigation.after_review.total": 1,
                                                          "litigation.after_review.upheld": 1}),
    "denial_for_security_in_words": (2023, "收到政府信息公开申请6件，予以公开3件，因可能危及经济安全不予公开2件，因本机关未制作"
                                           "也未保存无法提供1件。",
                                     {"requests.outcome.denied.security_stability.total": 2,
                                      "requests.outcome.unable.not_held.total": 1}),
    # one request only, its outcome said without a numeral; requests answered by mail right after their count;
    # a normative document made and published counted in 篇 among the year's postings
    "one_request_not_held_and_answered_in_words": (2020, "2020年收到政府信息公开申请1件，本机关不掌握申请人所申请的信息，"
                                                         "已向申请人说明并答复。",
                                                   {"requests.received.total": 1,
                                                    "requests.outcome.unable.not_held.total": 1,
                                                    "requests.outcome.total.total": 1}),
    "requests_answered_by_mail": (2025, "共受理依申请公开9件，已邮件回复。",
                                  {"requests.received.total": 9, "requests.outcome.total.total": 9}),
    "normative_doc_made_and_published_in_pian": (2023, "共主动公开信息86篇，其中制定公开规范性文件2篇，转载政策文件3篇。",
                                                 {"proactive.art20_1.normative_docs.issued": 2}),
    # a count whose unit the page dropped, right after the request words and before a clause end, or between
    # the verb and 申请 (G14; models/forms/narrative_gov2019.yaml lost_unit)
    "count_whose_unit_was_dropped_before_a_clause_end": (2022, "2022年，本办受理政府信息公开申请7，均已按期答复。",
                                                         {"requests.received.total": 7,
                                                          "requests.outcome.total.total": 7}),
    "count_whose_unit_was_dropped_is_zero": (2023, "本年度收到政府信息公开申请0。", {"requests.received.total": 0}),
    "count_whose_unit_was_dropped_between_verb_and_noun": (2020, "2020年本街道共受理3申请公开政府信息，均为当面申请。",
                                                           {"requests.received.total": 3}),
    "requests_received_said_number_first": (2020, "2020年度我局共收到15件依申请公开，均按时予以答复。",
                                            {"requests.received.total": 15, "requests.outcome.total.total": 15}),
    # G10 (misses of G5-G9 on gov2008 pages): the year's items said without 主动 under the proactive heading
    "items_of_the_year_without_proactive": (2016, "二、主动公开政府信息情况\n2016年我所共公开政府信息217条，其中通过公开栏公布90条。",
                                            {"proactive.items.total": 217}),
    "items_of_the_year_approximate": (2015, "2015年，本局公开政府信息300余条，其中：概况类12条。", {"proactive.items.total": 300}),
    "items_over_the_website_and_a_reading_room": (2014, "本委2014年通过门户网站和政府信息公开查阅室共主动公开政府信息518条。",
                                                  {"proactive.items.total": 518}),
    "requests_named_by_what_they_ask_for": (2013, "全年共受理依申请公开政府信息7件。", {"requests.received.total": 7}),
    "website_named_disclosure_net": (2013, "在县政府信息公开网上公布各类信息52条。", {"proactive.channels.website": 52}),
    "staff_named_after_the_count": (2011, "办公室由两名同志具体负责政府信息公开工作。", {"capacity.staff.total": 2}),
    "staff_with_words_between_count_and_noun": (2018, "为做好政府信息公开工作，三名熟悉业务、责任心强的工作人员具体负责信息审核发布。",
                                                {"capacity.staff.total": 3}),
    "staff_part_of_all_staff": (2016, "全局共有干部职工45人，其中2名同志具体负责政府信息公开工作。", {"capacity.staff.total": 2}),
    "no_applications_accepted": (2016, "截至年底，本镇未接受政府信息公开申请。", {"requests.received.total": 0}),
    "complaints_last_in_a_list_of_appeals": (2017, "本年度未收到有关政府信息公开的行政复议、行政诉讼、举报投诉件。",
                                             {"complaints.total": 0, "admin_review.total": 0, "litigation.total": 0}),
    "no_lawsuit_and_appeal": (2018, "全年无有关政府信息公开事务的诉讼和申诉。", {"litigation.total": 0}),
    "no_fees_exist": (2018, "本单位未存在政府信息公开收费及减免情况。", {"fees.request_fees": 0}),
    "all_by_letter_with_du": (2017, "全年共收到政府信息公开申请6件，都为信函申请。", {"requests.received.by_channel.letter": 6}),
    "all_replied_with_huifu": (2018, "共接到政府信息公开申请3件，全部按时回复。", {"requests.replied.total": 3}),
    # G10 fresh pages (2008-2018): the year's part after a total to a date, the year named after 其中, 主动向社会公开,
    # a platform and the website together (the items), a disclosure column and the website (both the website)
    "this_years_items_after_a_total_to_a_day": (2018, "截至2018年12月31日，本局累计主动公开政府信息8840条。"
                                                      "本年度主动公开政府信息312条。", {"proactive.items.total": 312}),
    "this_years_part_named_by_its_year": (2010, "截至2010年底，我局主动公开政府信息历年累计47条，其中2010年新增主动公开政府信息11条。",
                                          {"proactive.items.total": 11}),
    "items_proactive_to_society": (2010, "2010年，我局全年共主动向社会公开信息31条。", {"proactive.items.total": 31}),
    "a_platform_and_the_website_together_are_the_items": (2008, "2008年，我乡通过政府信息公开平台、政府网站主动公开政府信息17条。",
                                                          {"proactive.items.total": 17}),
    "a_disclosure_column_and_the_website_are_the_website": (2010, "2010年，通过政府信息公开专栏及本局网站主动公开政府信息1320条。",
                                                            {"proactive.channels.website": 1320}),
    # one word for both kinds of staff: each kind with 各, the staff total without
    "each_kind_of_a_joint_word": (2013, "办公室确定专兼职工作人员各2名。",
                                  {"capacity.staff.full_time": 2, "capacity.staff.part_time": 2}),
    "both_kinds_counted_together_are_the_staff_total": (2014, "目前办公室有专兼职人员3人。", {"capacity.staff.total": 3}),
    # G12/G13 held-out audits: the year's items with the body's own or its work's qualifier, said 上传 or 发布; the
    # website said 网上; the staff's kind right after the number; a fee said nought without a unit, or not involved;
    # a total to the year's end said with 到, its year part after '其中，'
    "items_of_the_bodys_work": (2018, "2018年，我局通过政务公开栏、区政府网站等载体主动公开审计工作信息212条。",
                                {"proactive.items.total": 212}),
    "items_of_the_body_itself": (2013, "本年度全局共主动公开政府本级信息74条，其中业务文件20条。", {"proactive.items.total": 74}),
    "items_uploaded": (2017, "全年累计主动上传政府信息143条，审核通过143条。", {"proactive.items.total": 143}),
    "website_said_online": (2015, "2015年共主动公开政府信息64条，其中通过网上公开52条。",
                            {"proactive.items.total": 64, "proactive.channels.website": 52}),
    "part_time_staff_named_after_the_number": (2015, "我委目前有2名兼职工作人员，承担政府信息公开日常工作。",
                                               {"capacity.staff.part_time": 2}),
    "each_kind_named_after_its_own_number": (2017, "办公室配备了1名专职工作人员和4名兼职工作人员，负责信息公开日常工作。",
                                             {"capacity.staff.full_time": 1, "capacity.staff.part_time": 4}),
    "fee_said_nought_without_a_unit": (2016, "本年度因提供政府信息收取的费用为0。", {"fees.request_fees": 0}),
    "fees_not_involved": (2010, "本年度未涉及信息公开收费和减免。", {"fees.request_fees": 0}),
    "total_to_year_end_with_dao_then_this_year": (2017, "到2017年底，累计主动公开政府信息2810条，其中，本年度新增主动公开"
                                                        "政府信息198条。", {"proactive.items.total": 198}),
    # G15 fresh pages: the staff said by the unit alone, then what they do; no complaints said with 没有收到; the
    # current count after a former one
    "staff_said_by_the_unit": (2010, "我乡重视政府信息公开工作，由2人专门负责此项工作。", {"capacity.staff.total": 2}),
    "no_complaints_received": (2016, "全年政府信息公开工作没有收到任何举报、投诉。", {"complaints.total": 0}),
    "current_staff_after_a_former_count": (2017, "政务公开专兼职人员由原来的3人增加到现在的6人。", {"capacity.staff.total": 6}),
    # bare 'none' lines under the fees and the review headings; the lawsuits' outcome in brackets after their count
    "none_lines_under_fees_and_review_headings": (2013, "四、政府信息公开的收费及减免情况\n无\n五、因政府信息公开申请行政复议、"
                                                        "提起行政诉讼的情况\n无\n六、存在的主要问题",
                                                  {"fees.request_fees": 0, "admin_review.total": 0, "litigation.total": 0}),
    "lawsuit_outcome_in_brackets": (2013, "全年受理申请5件，已答复5件，行政诉讼1件（维持原行政行为）。",
                                    {"litigation.total": 1, "litigation.upheld": 1}),
    # G16/G17 held-out audits (G18): a count joined to another count, numbers-first outcomes, verbs after their nouns
    "staff_count_joined_to_a_leaders_count": (2016, "2016年，本局明确了一名主管领导和三名专职工作人员。",
                                              {"capacity.staff.full_time": 3}),
    "already_public_said_with_jing": (2018, "本年度按时办结申请96件。其中属于已经主动公开的4件，同意公开答复70件。",
                                      {"requests.outcome.already_public.total": 4, "requests.outcome.granted.total": 70}),
    "hot_topics_label_with_a_breakdown": (2017, "本局回应公众关注热点或重大舆情数，包括网络舆情和媒体舆情共9次。",
                                          {"response.hot_topics": 9}),
    "press_and_tv_as_the_other_channel": (2016, "全年主动公开政府信息318条，其中：通过网站公开201条，通过报纸、电视等媒体公开117条。",
                                          {"proactive.items.total": 318, "proactive.channels.website": 201,
                                           "proactive.channels.other": 117}),
    "disclosure_body_set_up": (2017, "设有政府信息公开工作机构1个，6名工作人员负责日常工作。", {"capacity.dedicated_bodies": 1}),
    "no_request_said_shoudao": (2018, "2018年度，本局未受到公民、法人或其他组织申请公开政府信息。", {"requests.received.total": 0}),
    "no_fee_for_now": (2018, "目前，本局政府信息公开暂不收费。", {"fees.request_fees": 0}),
    "request_count_with_wei_and_no_unit": (2013, "三、依申请公开政府信息情况\n政府信息公开申请数为3，当面申请数为3条。",
                                           {"requests.received.total": 3, "requests.received.by_channel.in_person": 3}),
    "years_part_in_brackets_after_a_running_total": (2012, "截至2012年底，本局累计主动公开政府信息640条（2012年新增118条）。",
                                                     {"proactive.items.total": 118}),
    "items_over_the_website_and_platforms": (2016, "全年我局通过县政府网站、官方微信微博等平台公开文化工作信息96条(篇)。",
                                             {"proactive.items.total": 96}),
    "items_after_channels_named_in_the_sentence_before": (2013, "本办主要通过网站、报刊等形式主动公开信息。全年，共公开各类"
                                                                "信息87条。", {"proactive.items.total": 87}),
    "no_litigation_without_xingzheng": (2025, "因政府信息公开申请行政复议2件，未发生诉讼情况。",
                                        {"admin_review.total": 2, "litigation.total": 0}),
    "outcomes_number_first": (2020, "收到政务信息公开申请6条，其中4条已公开，2条属于个人隐私，不予以公开；相关情况均已函告申请人。",
                              {"requests.outcome.granted.total": 4, "requests.outcome.denied.total": 2,
                               "requests.outcome.total.total": 6}),
    "disclosed_to_society_and_not_held_by_the_department": (2022, "2022年本局共收到依申请公开5条，其中向社会公开4条，非本部门掌握1条。",
                                                            {"requests.outcome.granted.total": 4,
                                                             "requests.outcome.unable.not_held.total": 1}),
    "moved_to_a_named_year_or_handed_on": (2025, "全年共收到政府信息公开申请18件，转至2026年办理3件。另有1件移交下年度办理。",
                                           {"requests.carried_forward.total": 3}),
    "carry_over_verb_first_and_completed": (2020, "2020年收到政府信息公开申请120件，结转上年度政府信息公开申请6件，共办理完成121件，"
                                                  "结转下年度继续办理5件。",
                                            {"requests.received.total": 120, "requests.carried_over.total": 6,
                                             "requests.outcome.total.total": 121, "requests.carried_forward.total": 5}),
    "new_ones_inside_a_total_with_the_carry_over": (2025, "本机关共受理政府信息公开申请22件，其中新收到20件，结转上年度办理2件，办结19件。",
                                                    {"requests.received.total": 20, "requests.carried_over.total": 2,
                                                     "requests.outcome.total.total": 19}),
    "received_with_the_verb_after_the_noun": (2019, "依申请公开受理8件，办结8件。", {"requests.received.total": 8}),
    "review_result_upheld_in_words": (2025, "因政府信息公开申请引发行政复议2件，结果维持。",
                                      {"admin_review.total": 2, "admin_review.upheld": 2}),
    "one_request_answered_in_the_next_sentence": (2025, "2025年，收到政府信息公开申请1件。涉及林地面积等相关信息，已在法定时限内"
                                                        "予以答复。", {"requests.outcome.total.total": 1}),
    "normative_docs_made_named_after_the_number": (2022, "全年共制定0条行政规范性文件，办理行政许可0件。",
                                                   {"proactive.art20_1.normative_docs.issued": 0}),
    # G18 fresh pages: the count word after the noun, the process-information row without 性, requests handled said 处理
    "received_count_word_after_the_noun": (2023, "2023年度依申请公开数为7件，已答复7件，其中2件因四类过程信息不予公开。",
                                           {"requests.received.total": 7, "requests.outcome.total.total": 7,
                                            "requests.outcome.denied.process_info.total": 2}),
    "requests_handled_said_chuli": (2021, "网站全年更新信息96条，处理依申请公开9条。", {"requests.outcome.total.total": 9}),
    "repealed_bare_documents_after_the_normative_ones": (2024, "制定发布规范性文件4件，清理废止文件0件，现行有效文件20件。",
                                                         {"proactive.art20_1.normative_docs.repealed": 0}),
    # G19/G20 held-out audits (G21): a grant said 同意全部公开 with 答复 in its label; all upheld right after the review count
    "granted_in_full_with_the_answers_in_its_label": (2018, "共收到依申请公开请求24件，均在规定时限内进行答复。其中，同意全部"
                                                            "公开答复数15件，同意部分公开答复数3件，不同意公开答复数6件。",
                                                      {"requests.outcome.granted.total": 15, "requests.replied.total": 24,
                                                       "requests.outcome.partial.total": 3, "requests.outcome.denied.total": 6}),
    "review_all_upheld_2008": (2018, "本局共收到行政复议4件，均为维持具体行政行为，办结率达100%。",
                               {"admin_review.total": 4, "admin_review.upheld": 4}),
    # a prose table of 第二十条 (a 2019 commission): decisions after the item, no change against a named year; an item
    # the form does not print gives no field
    "prose_statistics_table": (2019, "2019年，我委主动公开情况如下：行政许可21项，较2018年减少2项，处理决定数量64件；主动公开行政处罚"
                                     "18项，较2018年无增减，处理决定数量9件；主动公开行政强制2项，较2018年无增减，处理决定数量1件；"
                                     "主动公开行政检查3项，较2018年无增减，处理决定数量150件；行政事业性收费2项，较2018年无增减。",
                               {"proactive.art20_5.licensing.change": -2, "proactive.art20_5.licensing.decisions": 64,
                                "proactive.art20_6.penalty.change": 0, "proactive.art20_6.penalty.decisions": 9,
                                "proactive.art20_6.coercion.change": 0, "proactive.art20_6.coercion.decisions": 1,
                                "proactive.art20_8.fees.change": 0}),
    "no_normative_docs_in_the_bodys_name": (2020, "2020年，本局未以单位名义印发部门规范性文件，制定印发行政公文8份。",
                                            {"proactive.art20_1.normative_docs.new_made": 0}),
    "no_normative_docs_in_the_bodys_name_2021": (2023, "2023年，本局未以单位名义印发部门规范性文件。",
                                                 {"proactive.art20_1.normative_docs.issued": 0}),
    "requests_concluded_by_the_agent_after_the_count": (2020, "2020年，我局共收到公民、法人和其他组织提出的公开政府信息的申请3条，"
                                                              "我局及时有效的进行办结。",
                                                        {"requests.received.total": 3, "requests.outcome.total.total": 3}),
    "requests_answered_at_once_after_the_count": (2025, "2025年，我局收到依申请公开件4件，在第一时间进行了回复解答，满意率为100%。",
                                                  {"requests.received.total": 4, "requests.outcome.total.total": 4}),
    "requests_answered_a_clause_after_the_count_2008": (2017, "全年收到依申请公开件3件，及时同申请人沟通对接，并按时进行回复。",
                                                        {"requests.received.total": 3, "requests.replied.total": 3}),
    "no_request_cases": (2023, "（二）依申请公开情况。年度内未申请公开件。", {"requests.received.total": 0}),
    "carry_over_named_by_the_previous_year": (2022, "2022年，共收到14件依申请公开请求，2021年结转政府信息公开申请3件，共办结15件，"
                                                    "结转2023年度继续办理2件。",
                                              {"requests.received.total": 14, "requests.carried_over.total": 3,
                                               "requests.outcome.total.total": 15, "requests.carried_forward.total": 2}),
    "no_carry_over_of_unanswered_requests": (2020, "2020年我办未收到政府信息公开申请，无上年度受理未答复结转的申请。",
                                             {"requests.received.total": 0, "requests.carried_over.total": 0}),
    "completion_rate_of_all": (2024, "2024年，我局受理政府信息依申请公开事项5件，办结率为100%。",
                               {"requests.received.total": 5, "requests.outcome.total.total": 5}),
    "website_abbreviated": (2017, "2017年，我局主动公开各类政府信息520余条，其中，局网发布信息310余条。",
                            {"proactive.items.total": 520, "proactive.channels.website": 310}),
    "normative_docs_count_between_the_verb_and_the_noun": (2017, "本年度制定并公布了2件规范性文件（《关于某事的通知》）。",
                                                           {"proactive.normative_docs.issued": 2}),
    # G21 fresh pages: one request answered 按规定 right after its count
    "one_request_answered_as_the_rules_say": (2020, "本年度收到公民提出公开政府信息申请1件，并按规定予以回复。",
                                              {"requests.received.total": 1, "requests.outcome.total.total": 1}),
    "staff_handling_the_work_named_after_the_count": (2018, "领导小组下设办公室在局办公室，由3名同志具体处理信息公开日常事宜。",
                                                      {"capacity.staff.total": 3}),
    "procurement_amount_said_apart_after_the_count": (2020, "2020年，县农业农村局主动公开政府集中采购信息18条，累计金额1520万元。",
                                                      {"proactive.art20_9.central_procurement.amount": 1520}),
    "bare_none_under_the_request_heading": (2019, "（二）依申请公开政府办理情况\n无。\n（三）政府信息管理情况",
                                            {"requests.received.total": 0}),
}

# (year, text, field that must NOT be filled, or filled only with another value)
TRAPS = {
    # one count over several media is no one channel's (a held-out 2017 page)
    "media_list_is_no_wechat": (2017, "本年度通过报刊、电视、政务微信等媒体发布形式主动公开政府信息96条。", "proactive.channels.wechat"),
    "media_list_is_no_items_total": (2017, "本年度通过报刊、电视、政务微信等媒体发布形式主动公开政府信息96条。", "proactive.items.total"),
    # an answer count after consultations, not after requests
    "answered_consultations": (2024, "全年收到群众咨询15件，已及时答复15件。", "requests.outcome.total.total"),
    "withheld_documents_not_requests": (2013, "2013年度没有依申请公开信息的情况。不予公开信息有10条，主要是内部人事安排信息。",
                                        "requests.outcome.denied.total"),
    "withheld_documents_2021": (2021, "作为依申请公开信息数26条，不予公开信息数7条。", "requests.outcome.denied.total"),
    "sum_of_two_rows": (2015, "全年共收到政府信息公开申请42件，其中予以公开及部分公开的42件。", "requests.outcome.partial.total"),
    "cumulative_items": (2016, "全年在区政府网站发布政府信息33条，到目前累计主动公开政府信息100条。", "proactive.items.total"),
    "total_holds_carry_over": (2020, "全年共受理政府信息公开申请26件，其中上年转结1件。", "requests.received.total"),
    "licensing_application_not_request": (2019, "全年未收到行政许可申请；各栏目共刊发文稿52篇。", "requests.received.total"),
    "appeal_rights_are_no_zero_review": (2020, "收到申请3件，对无法提供的，告知申请人可依法申请行政复议或提起行政诉讼。",
                                         "admin_review.total"),
    "items_published_on_request_are_no_requests": (2018, "全年公开政府信息2980条，其中主动公开信息1204条，依申请公开信息318条。",
                                                   "requests.received.total"),
    "answers_to_consultations_are_no_outcome": (2022, "全年收到政府信息公开申请5件。答复网民咨询留言36条。",
                                                "requests.outcome.total.total"),
    "hotline_complaints_are_no_disclosure_complaints": (2018, "2018年，街道共接到举报投诉350件，其中市长热线转交212件，均按时办结。",
                                                        "complaints.total"),
    "items_about_press_conferences": (2014, "全镇主动公开政府信息（其中机构设置70条、新闻发布会6条、应急管理14条）。",
                                      "response.channels.press_conferences"),
    "staff_of_another_duty": (2016, "收到政府信息公开申请2件；安排3名工作人员负责信访接待。", "capacity.staff.part_time"),
    # all concluded, but last year's carry-over too: the received count is not the whole (7, not 5)
    "all_concluded_with_a_carry_over": (2022, "本年度新收政府信息公开申请5件，上年结转2件，均已按时办结。",
                                        "requests.outcome.total.total"),
    "all_granted_with_a_carry_over": (2020, "本年度新收政府信息公开申请5件，均予以公开。上年结转申请1件。",
                                      "requests.outcome.granted.total"),
    "no_carry_over_from_last_year_is_none_to_next_year": (2022, "本年度新收政府信息公开申请5件，上年无结转。",
                                                          "requests.carried_forward.total"),
    # G3 audit (held-out pages of 2022-2024): a count of two things named together, parts before their sum,
    # a count that holds last year's carry-over before the newly received one
    "review_and_litigation_together_are_no_litigation": (2023, "本年度涉及政府信息公开的行政复议、行政诉讼案件38件，结果维持21件。",
                                                         "litigation.total"),
    "upheld_of_review_and_litigation_together": (2023, "本年度涉及政府信息公开的行政复议、行政诉讼案件38件，结果维持21件。",
                                                 "litigation.upheld"),
    "one_value_for_items_listed_respectively": (2022, "本年度行政许可、行政处罚、行政强制决定分别为35件。",
                                                "proactive.art20_6.coercion.decisions"),
    "a_category_published_on_the_website_is_no_channel_total": (2016, "2016年，通过政府门户网站主动公开规划计划类3条，"
                                                                      "人事信息2条，财政信息1条。",
                                                                "proactive.channels.website"),
    "a_count_shared_by_website_and_social_media_is_no_website_count": (2016, "市局通过官方网站、政务微博、微信等向外公开信息300余条。",
                                                                       "proactive.channels.website"),
    # G6 held-out audit: no review of law enforcement, and no review that corrected anything, say nothing of
    # the reviews about disclosure
    "no_review_of_law_enforcement_is_no_zero_review": (2024, "2024年度行政执法工作均无被申请行政复议和提起行政诉讼。",
                                                       "admin_review.total"),
    "no_litigation_of_law_enforcement_is_no_zero_litigation": (2024, "2024年度行政执法工作均无被申请行政复议和提起行政诉讼。",
                                                               "litigation.total"),
    "no_correction_by_review_is_no_zero_review": (2020, "没有出现被投诉举报、行政复议及行政诉讼纠错的情况。",
                                                  "admin_review.total"),
    "no_correction_by_litigation_is_no_zero_litigation": (2016, "没有出现行政复议及行政诉讼纠错的情况。", "litigation.total"),
    # G4: a 'no applications' line under the fees or the review heading is not about requests; a quoted
    # category counted in 条 (documents) without applications in the sentence is no request outcome
    "no_applications_line_under_the_fees_heading": (2016, "四、依申请公开政府信息收费及减免情况\n本镇2016年度无申请。",
                                                    "requests.received.total"),
    "no_applications_line_under_the_review_heading": (2016, "五、因政府信息公开申请行政复议、提起行政诉讼的情况\n"
                                                            "本镇2016年度无申请。", "requests.received.total"),
    "quoted_category_of_documents": (2016, "本年度发文中，“不予公开”的9条。", "requests.outcome.denied.total"),
    # a count above zero of review and litigation together is neither's; a category of policies and
    # normative documents together is no count of normative documents
    "review_and_litigation_together_are_no_review_count": (2014, "全年因政府信息公开被申请行政复议、提起行政诉讼的案件10件。",
                                                           "admin_review.total"),
    "policies_and_normative_docs_together": (2013, "本年主动公开政府信息64条，其中政策、规范性文件类信息9条。",
                                             "proactive.normative_docs.disclosed"),
    "joint_heading_count_is_no_denied_count": (2012, "本年度依申请和不予公开的政府信息条数为0条。",
                                               "requests.outcome.denied.total"),
    "joint_heading_count_above_zero_is_no_request_count": (2012, "本年度依申请和不予公开的政府信息条数为7条。",
                                                           "requests.received.total"),
    # no applications from legal persons and other organisations says nothing of natural persons' (a 2021 bureau)
    "no_applications_of_legal_persons_only": (2021, "本年度未收到法人或者其他组织提出的政府信息公开申请。",
                                              "requests.received.total"),
    "a_sum_of_consultations_is_no_request_count": (2024, "全年收到群众咨询30件，来信5件，合计35件。", "requests.received.total"),
    # G8 held-out audit: a count disclosed on request, listed beside the proactive items, counts items
    "items_disclosed_on_request_beside_proactive_items_2020": (2020, "2020年，我局公开信息540条，其中主动公开521条（包括规划信息、"
                                                                   "征地信息等），依申请公开19条。", "requests.received.total"),
    "whether_there_are_fees_is_no_zero": (2024, "本单位有无行政事业性收费事项由财政部门公布。", "proactive.art20_8.fees.amount"),
    "licensing_applications_concluded_are_no_request_outcome": (2024, "全年办结行政许可申请120件。", "requests.outcome.total.total"),
    # G9 held-out audit: reviews not yet concluded (尚未办结0件) are no outcome of requests
    "reviews_not_yet_concluded_are_no_request_outcome": (2020, "全年受理依申请信息公开18件，其中予以公开12件。"
                                                               "全年共收到行政复议1件，维持结果1件，尚未办结0件。",
                                                         "requests.outcome.total.total"),
    # G11: requests not concluded after a review named earlier are no pending review; the handled requests
    # named as applications stay the received count; a published count after a normative document's
    # interpretation is not the documents'; 主动公开 normative documents are no issued ones
    "requests_not_concluded_are_no_pending_review": (2020, "全年共收到行政复议0件。收到政府信息公开申请5件，已办结3件，尚未办结2件。",
                                                     "admin_review.pending"),
    "interpretations_published_are_no_normative_docs": (2020, "全年印发规范性文件2件，制作解读材料3件，公开并解读3件。",
                                                         "proactive.art20_1.normative_docs.new_published"),
    "normative_docs_disclosed_are_not_issued": (2022, "全年主动公开政府信息320条，其中规范性文件12条。",
                                                "proactive.art20_1.normative_docs.issued"),
    "normative_doc_interpretations_published_are_not_issued": (2022, "全年发布规范性文件解读6篇。",
                                                               "proactive.art20_1.normative_docs.issued"),
    # G11 fresh pages: the petition bureau's own name is no petition outcome; a 无法提供 count named with several
    # reasons is no first row; an application for review withdrawn is no correction
    "petition_bureau_name_is_no_petition_outcome": (2025, "2025年，某市信访局共受理政府信息公开申请7件。",
                                                    "requests.outcome.not_processed.petition_complaint.total"),
    "unable_subtotal_with_several_reasons_is_no_not_held_row": (2020, "共收到政府信息公开申请40件，其中本机关不掌握相关信息或"
                                                                      "没有现成信息无法提供的12件。",
                                                                "requests.outcome.unable.not_held.total"),
    "withdrawn_review_application_is_no_correction": (2025, "信息公开行政复议案件2件，维持1件，撤销复议申请1件。",
                                                      "admin_review.corrected"),
    "answered_number_first_after_consultations_is_no_outcome": (2024, "全年收到政府信息公开申请9件，群众咨询12件，10件已按照"
                                                                      "规定时限进行了答复。", "requests.outcome.total.total"),
    "carried_over_zero_is_no_received_zero": (2020, "本年度上年结转政府信息公开申请为0。", "requests.received.total"),
    "withheld_requests_zero_is_no_received_zero": (2022, "不予公开的政府信息公开申请为零。", "requests.received.total"),
    "corrections_of_review_and_litigation_zero_are_no_zero_review": (2022, "行政复议和行政诉讼纠错数均为零。",
                                                                      "admin_review.total"),
    "ways_to_get_information_are_no_grant": (2020, "收到申请6件，告知获取途径3件，提供给申请人查询方式2件。",
                                             "requests.outcome.granted.total"),
    "unable_to_give_is_no_grant": (2020, "收到申请6件，无法提供给申请人2件。", "requests.outcome.granted.total"),
    "appeal_rights_are_no_zero_litigation": (2020, "收到申请3件，对无法提供的，告知申请人可依法申请行政复议或提起行政诉讼。",
                                             "litigation.total"),
    # G12/G13: 不同意公开 holds 同意公开; a count whose own clause goes on with another outcome's reason (a comma
    # missing before it) is no count of the outcome before it; a count then 依申请公开 counts items disclosed
    "not_agreed_to_disclose_is_no_grant": (2023, "收到政府信息公开申请4件，不同意公开的4件。",
                                           "requests.outcome.granted.total"),
    "a_count_followed_by_another_reason_is_not_denied": (2023, "共收到政府信息公开申请4条，其中2条予以公开，不予公开2条内容"
                                                               "本机关没有制作，也没有保存。",
                                                         "requests.outcome.denied.total"),
    # what is said of one request is not said of several; consultations answered are no outcome of requests
    "not_held_said_of_several_requests": (2020, "收到政府信息公开申请4件，本机关不掌握申请人所需信息，已告知。",
                                          "requests.outcome.unable.not_held.total"),
    "one_request_then_consultations_answered": (2020, "收到政府信息公开申请1件，群众咨询3件，已答复。",
                                                "requests.outcome.total.total"),
    "consultations_answered_by_mail": (2025, "收到政府信息公开申请5件，群众咨询8件，已邮件回复。",
                                       "requests.outcome.total.total"),
    "requests_and_answers_as_a_cause_of_review_are_no_zero_request": (2023, "本年度未发生因政府信息公开申请、答复引起的行政"
                                                                           "复议和行政诉讼。", "requests.received.total"),
    "requests_about_public_safety_are_no_security_denial": (2023, "收到涉及公共安全事件信息的政府信息公开申请2件。",
                                                             "requests.outcome.denied.security_stability.total"),
    "normative_doc_interpretations_in_pian": (2023, "全年印发规范性文件解读4篇。", "proactive.art20_1.normative_docs.issued"),
    # a number without a unit is a count only between request words and a clause end: not a year, a hotline
    # number, applicants, a number going on with its noun, a decimal
    "a_year_between_the_verb_and_requests_is_no_count": (2024, "各科室按要求受理2024申请公开事项。", "requests.received.total"),
    "a_hotline_number_is_no_count": (2023, "全年接到12345申请公开政府信息的来电均已转办。", "requests.received.total"),
    "applicants_without_a_unit_are_no_request_count": (2022, "本年度受理5申请人提出的查询。", "requests.received.total"),
    "a_number_going_on_after_request_words_is_no_count": (2022, "收到政府信息公开申请3号窗口转来的材料。", "requests.received.total"),
    "a_row_label_with_its_first_cell_is_no_count": (2021, "一、本年新收政府信息公开申请数量3\n0\n0\n5", "requests.received.total"),
    "digits_before_a_thousands_comma_are_no_count": (2022, "本年度受理政府信息公开申请为37,540，较上年增加。",
                                                     "requests.received.total"),
    "a_decimal_after_request_words_is_no_count": (2022, "本年度受理政府信息公开申请同比增长的比例为3.5。",
                                                  "requests.received.total"),
    "a_count_then_disclosed_on_request_is_no_request_count": (2023, "全年共公开信息20条，其中3条依申请公开。",
                                                              "requests.received.total"),
    # G10: items without 主动 that are not the year's proactive items: a total with its on-request part, a total
    # since some year, a channel's count; staff that are a leader
    "items_with_their_on_request_part": (2016, "2016年我局共公开政府信息620条，其中主动公开603条，依申请公开17条。",
                                         "proactive.items.total"),
    "items_since_a_year": (2016, "自2009年以来共公开政府信息1300条。", "proactive.items.total"),
    "items_of_a_channel_named_before": (2017, "依托政务微信公众号，全年共公开信息85条。", "proactive.items.total"),
    "a_leader_in_charge_is_no_staff": (2017, "确定1名分管领导具体负责政府信息公开工作。", "capacity.staff.total"),
    "key_area_items_on_the_website_are_no_channel_total": (2014, "截止2014年底，本局在县政府门户网站公开重点领域信息9条。",
                                                           "proactive.channels.website"),
    "both_kinds_counted_together_are_no_part_time_count": (2014, "目前办公室有专兼职人员3人。", "capacity.staff.part_time"),
    "a_total_to_year_end_counted_as_cumulative": (2011, "截至2011年底，我所主动公开政府信息累计318条。", "proactive.items.total"),
    "a_platform_and_the_website_together_are_no_website_count": (2008, "2008年，我乡通过政府信息公开平台、政府网站主动公开"
                                                                       "政府信息17条。", "proactive.channels.website"),
    # G12/G13 held-out audits: a category among the website's items, a running total on the website, documents
    # disclosable on request, persons reached by a response, kinds of staff each named after its own number
    "a_category_among_the_websites_items": (2014, "本局在门户网站主动公开的信息中办事指南信息9条。",
                                            "proactive.channels.website"),
    "a_category_among_the_items": (2014, "本年主动公开的政府信息中工作动态信息36条。", "proactive.items.total"),
    "a_running_total_on_the_website": (2014, "我局信息均在区政府网站发布，累计公开信息690项。", "proactive.channels.website"),
    "documents_disclosable_on_request_are_no_requests": (2015, "本年制作政府信息1500条，其中可依申请公开文件420条。",
                                                         "requests.received.total"),
    "persons_reached_are_no_responses": (2018, "通过电话、短信及其他方式回应群众300余人次。", "response.channels.other"),
    "both_kinds_named_apart_before_numbers_are_no_total": (2017, "办公室配备专职人员1名、兼职人员2名。", "capacity.staff.total"),
    "joint_kinds_after_the_number_are_no_part_time": (2017, "办公室配备了3名专兼职工作人员。", "capacity.staff.part_time"),
    # G15 fresh pages: visits to the website are no items; the website's part of a running total is no year's channel
    # count; the leader in charge said by the unit is no staff
    "visits_to_the_website_are_no_items": (2014, "全年信息公开网站点击次数23051次。", "proactive.channels.website"),
    "website_part_of_a_running_total": (2010, "截止2010年12月31日，全镇累计主动公开政府信息82条。其中，网上公开信息31条。",
                                        "proactive.channels.website"),
    "a_leader_said_by_the_unit_is_no_staff": (2010, "我乡重视政府信息公开工作，由1名副职领导负责此项工作。", "capacity.staff.total"),
    # a count of kinds listed before it, the counted noun after the number, is no request count (a 2014 bureau)
    "a_count_of_listed_kinds_is_no_request_count": (2014, "专栏下设办事指南、公开目录、依申请公开等14个子栏目。",
                                                    "requests.received.total"),
    # the fees' 'none' line is no zero of the review and litigation named in the next heading
    "fees_none_line_is_no_zero_of_the_next_heading": (2013, "四、政府信息公开的收费及减免情况\n无\n五、因政府信息公开申请行政复议、"
                                                             "提起行政诉讼的情况\n本年度被申请行政复议1件。", "litigation.total"),
    # G16/G17 held-out audits (G18): permits and applications are no licensing decisions, documents not called normative,
    # running totals and channels named elsewhere are no website count, all answered but some moved on is no total
    "permit_kinds_are_no_licensing_total": (2023, "全年核发采伐许可证96件、检疫证540件。", "proactive.art20_5.licensing.decisions"),
    "accepted_licensing_applications_are_no_decisions": (2022, "本年度受理行政许可业务总计5210件，经营许可类870件。",
                                                         "proactive.art20_5.licensing.decisions"),
    "repealed_documents_not_called_normative": (2025, "公开新制定的行政规范性文件6件、宣布废止失效文件3件、发布其他政策文件12件。",
                                                "proactive.art20_1.normative_docs.repealed"),
    "a_running_total_with_the_years_part_is_no_website_count": (2012, "至目前为止，在政务信息公开网上已发布各类信息260条"
                                                                      "（2012年新增41条）。", "proactive.channels.website"),
    "a_count_after_channels_named_earlier_is_no_website_count": (2013, "本办主要通过网站、报刊等形式主动公开信息。全年，共公开"
                                                                       "各类信息87条。", "proactive.channels.website"),
    "all_answered_with_some_moved_to_next_year_is_no_total": (2025, "全年共收到政府信息公开申请18件，转至2026年办理3件，均及时回复。",
                                                              "requests.outcome.total.total"),
    "new_ones_after_the_carry_over_are_no_carry_over": (2024, "共受理依申请公开事项45件，结转上年后新收到依申请公开事项40件。",
                                                        "requests.carried_over.total"),
    "news_over_the_website_and_platforms_are_no_items_total": (2016, "通过门户网站、政务微博等平台发布工作动态信息120条。",
                                                               "proactive.items.total"),
    "website_and_wechat_platforms_are_no_wechat_count": (2016, "通过门户网站、微信等平台公开政策法规类信息20条。",
                                                         "proactive.channels.wechat"),
    # information made, counted by its disclosure attribute, is no request count nor a denial (a 2015 bureau)
    "information_made_on_request_is_no_request_count": (2015, "本年度共制作政府信息230条，其中主动公开90条，依申请公开6条，"
                                                              "不予公开134条。", "requests.received.total"),
    "information_made_withheld_is_no_denial": (2015, "本年度共制作政府信息230条，其中主动公开90条，依申请公开6条，"
                                                     "不予公开134条。", "requests.outcome.denied.total"),
    "a_leaders_count_before_staff_is_no_full_time_count": (2017, "明确了两名分管领导负责此项工作。", "capacity.staff.full_time"),
    # G19/G20 held-out audits (G21): a hotline's line of a by-channel list, Weibo and WeChat together, an application for a
    # response to hot topics, a set restated before its parts, a year's own carry-forward, 未经…印发
    "a_channel_list_is_no_one_channels_count": (2018, "区民政局通过网络、信函、当面等方式共收到依申请公开请求26件。",
                                                "requests.received.by_channel.letter"),
    # G21 fresh pages: one count over press conferences and another kind of event is neither's (a 2017 bureau)
    "press_conferences_joined_with_briefings_are_no_press_count": (2017, "全年召开新闻发布会、专题通气会11场。",
                                                                   "response.channels.press_conferences"),
    "press_conferences_and_interviews_together_are_no_interview_count": (2017, "举办新闻发布会和在线访谈共6次。",
                                                                         "response.channels.online_interviews"),
    # documents kept by a review of them are no documents disclosed (a 2018 provincial department)
    "normative_docs_kept_by_a_review_are_not_disclosed": (2018, "经清理，共保留规范性文件254件、修改规范性文件9件、废止规范性"
                                                                "文件31件。", "proactive.normative_docs.disclosed"),
    "an_amount_after_other_items_is_no_procurement_amount": (2020, "主动公开招标信息5条，累计金额80万元。",
                                                             "proactive.art20_9.central_procurement.amount"),
    "a_hotlines_line_is_no_received_total": (2018, "本年度当面申请数12件、网络申请数8件、12345热线申请数17件。",
                                             "requests.received.total"),
    "weibo_and_wechat_together_are_no_items_total": (2016, "通过政府网站渠道主动公开信息320条，通过政务微博微信渠道主动公开信息96条。",
                                                     "proactive.items.total"),
    "a_request_for_a_response_is_no_zero_of_requests": (2018, "2018年，我社未接到公众关注热点或重大舆情回应的申请。",
                                                        "requests.received.total"),
    "a_request_for_a_response_is_no_zero_of_requests_2019": (2020, "2020年，我社未接到公众关注热点或重大舆情回应的申请。",
                                                             "requests.received.total"),
    "a_set_restated_before_its_parts_is_no_outcome_total": (2025, "共收到依申请公开件31封，其中，12封申请人主动撤销申请，19封（含3封"
                                                                  "转下年度办结）均在规定时限内答复办结。办结的19封申请中涉及文化类8封、"
                                                                  "旅游类11封。", "requests.outcome.total.total"),
    "this_years_carry_forward_is_no_carry_over": (2022, "2022年共收到申请10件，2022年结转下年度办理2件。",
                                                  "requests.carried_over.total"),
    "all_concluded_rate_with_some_moved_on_is_no_total": (2024, "受理申请6件，结转下年度办理1件，办结率为100%。",
                                                          "requests.outcome.total.total"),
    "issuing_without_review_forbidden_is_no_zero": (2020, "本局严禁未经审核印发规范性文件。",
                                                    "proactive.art20_1.normative_docs.new_made"),
    "an_unprinted_items_decisions_are_no_coercion_decisions": (2019, "主动公开行政强制2项，较上年无增减；主动公开行政检查3项，"
                                                                     "处理决定数量150件。",
                                                               "proactive.art20_6.coercion.decisions"),
}


def variants(text):
    trad = to_traditional_chars(text)
    return {"simplified": text, "traditional": trad, "damaged": farm_damage(text, annotated=PINYIN_CHARS)}


def form_of(text, year):
    return {k: v.value for k, v in zhreport.extract(text, year=year).form.items()}


@pytest.mark.parametrize("script", ["simplified", "traditional", "damaged"])
@pytest.mark.parametrize("name", sorted(CLASSES))
def test_phrasing_class(name, script):
    year, text, want = CLASSES[name]
    got = form_of(variants(text)[script], year)
    assert {k: got.get(k) for k in want} == want


@pytest.mark.parametrize("script", ["simplified", "traditional", "damaged"])
@pytest.mark.parametrize("name", sorted(TRAPS))
def test_wrong_field_trap(name, script):
    year, text, field = TRAPS[name]
    assert field not in form_of(variants(text)[script], year)


def test_damage_really_inserts_pinyin():
    assert "(fù)" in farm_damage("因政府信息公开被申请行政复议1件。", annotated=PINYIN_CHARS)


def test_place_name_numerals_are_no_facts():
    r = zhreport.extract("七家子镇2021年主动公开政府信息12条。", year=2021)
    assert [f.text for f in r.facts] == ["12条"]


# ---- rules are checked when loaded: a typo is an error naming file and line, never a dropped rule
GOOD = 'rules:\n  - {field: admin_review.total, ind: "行政复议"}\n'


def test_valid_rule_text_passes():
    validate_rules(parse_rule_text(GOOD, "narrative_test.yaml"))


@pytest.mark.parametrize("text, words", [
    ('rules:\n  - {field: admin_review.total, ind: "复议"}\n  - {field: admin_reveiw.total, ind: "复议"}\n',
     ["narrative_test.yaml line 3", "admin_reveiw.total"]),
    ('rules:\n  - {field: admin_review.total, ind: "(复议"}\n', ["narrative_test.yaml line 2", "broken pattern"]),
    ('zeros:\n  - {pattern: "未发生", fields: [litigation.totl]}\n', ["line 2", "litigation.totl"]),
    ('rules:\n  - {field: admin_review.total, ind: "复议", unti: [件]}\n', ["line 2", "unti"]),
    ('rules:\n  - {field: admin_review.total, ind: "复议", topic: {subject: reveiw}}\n', ["line 2", "topic"]),
    ('lost_unit:\n  - {before: "受理", after: "申请", unti: 件}\n', ["line 2", "lost unit"]),
    ('lost_unit:\n  - {before: "(受理", after: "申请", unit: 件}\n', ["line 2", "broken pattern"]),
])
def test_broken_rule_is_an_error_naming_file_and_line(text, words):
    with pytest.raises(DataError) as exc:
        validate_rules(parse_rule_text(text, "narrative_test.yaml"))
    for w in words:
        assert w in str(exc.value)


@pytest.mark.parametrize("pattern, first", [
    ("维持|驳回", {"维", "驳"}),
    ("上一?年度?(?:的)?(?:结转|转结)", {"上"}),
    ("(?:共)?(?:公开|发布)信息$", {"共", "公", "发"}),
    ("当面(?:申请|提交)?$|^当面", {"当"}),
    ("收取[^，,]*费|收费", {"收"}),
    ("(?P<a>[a-c])x{2,}", {"a", "b", "c"}),
    ("(?<=申请)公开", {"公"}),
    ("a{0,3}b", {"a", "b"}),
    (r"\.5|\n", {".", "\n"}),
    ("^$", None),  # matches the empty text
    ("(?:其他)?", None),
    ("[^，]x", None),  # any character may open a match
    (r"\d+件", None),
    ("(?i)ab", None),  # syntax the reader does not know: no prefilter
    (r"(申请)\1", None),
    (r"\p{Han}", None),
    ("x{}", None),
])
def test_first_characters_of_a_pattern(pattern, first):
    from zhreport.forms.mapping import first_chars

    assert first_chars(pattern) == (None if first is None else frozenset(first))


def test_a_text_without_a_patterns_first_characters_has_no_match():
    """first_chars is exact: every match of every shipped indicator pattern starts with one of its
    characters, on texts made of the patterns' own words and characters."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    import regex

    from zhreport.forms.mapping import first_chars, load_rules

    patterns = sorted({r.ind.pattern for t in ("gov2008", "gov2019", "gov2021") for r in load_rules(t).rules})
    # all but one: the gov2008 staff counted by what follows the number (由三名同志具体负责…), read for person units only
    assert sum(first_chars(p) is not None for p in patterns) >= len(patterns) - 1
    pieces = sorted({w for p in patterns for w in regex.findall(r"[^\\|()\[\]?*+{}^$.:]+", p)}
                    | {c for p in patterns for c in p} | set("，的了 "))

    @settings(max_examples=400, deadline=None)
    @given(st.lists(st.sampled_from(pieces), max_size=5).map("".join), st.sampled_from(patterns))
    def check(text, source):
        pat, first = regex.compile(source), first_chars(source)
        if first is None:
            return
        for m in pat.finditer(text, overlapped=True):
            assert m.end() > m.start() and text[m.start()] in first
        if first.isdisjoint(text):
            assert pat.search(text) is None

    check()


def test_shipped_rules_load():
    from zhreport.forms.mapping import load_rules

    for t in ("gov2008", "gov2019", "gov2021"):
        assert load_rules(t).rules


def _calls_while_extracting(owner, name: str, dev_cases) -> list[tuple]:
    """(arguments, result) of every call of owner.name while every development report is
    extracted in both scripts."""
    calls = []
    real = getattr(owner, name)

    def record(*args):
        found = real(*args)
        calls.append((args, found))
        return found

    setattr(owner, name, record)
    try:
        for c in dev_cases:
            for text in (c["text"], to_traditional_chars(c["text"])):
                zhreport.extract(text)
    finally:
        setattr(owner, name, real)
    return calls


def test_the_first_character_index_only_skips_rules_that_cannot_match(dev_cases):
    """Reading only the rules whose indicator pattern may start with one of the indicator's
    characters gives the same fields as trying every rule, and so do the rules an indicator admits
    kept between numbers: on every number of the development reports, in both scripts."""
    from zhreport import pipeline
    from zhreport.forms.mapping import load_rules

    calls = [(args[0], ind.text, args[1])
             for args, found in _calls_while_extracting(pipeline, "link_indicators", dev_cases) for ind in found]
    assert len(calls) > 300
    for tid in ("gov2008", "gov2019", "gov2021"):
        rules = load_rules(tid)

        def fields(fresh=False):
            out = []
            for text, ind, q in calls:
                if fresh:  # no indicator's rules read before
                    rules.admitting.cache_clear()
                m = rules.field_for(text, ind, q.number_start, q.number_end, q.unit, q.end)
                out.append(None if m is None else (m.field, m.sign, m.money))
            return out

        rules.admitting.cache_clear()
        gated = fields()
        saved = rules.first_index, rules.any_unit_index
        every = lambda rs: ({}, (1 << len(rs)) - 1)  # no character index: every rule is searched
        rules.first_index = {u: every(rs) for u, rs in rules.by_unit.items()}
        rules.any_unit_index = every(rules.any_unit)
        rules.admitting.cache_clear()
        try:
            assert fields() == gated
            assert fields(fresh=True) == gated
        finally:
            rules.first_index, rules.any_unit_index = saved
            rules.admitting.cache_clear()
        assert sum(f is not None for f in gated) > 100


@pytest.mark.parametrize("text, field", [
    ("收到申请3件当面提交。", "a"),  # the words after the number in its clause are its context
    ("收到申请3件，当面提交。", None),  # those after its clause are not
    ("当面收到申请3件", "a"),  # the quantity ends the text
    ("收到申请3件", None),
])
def test_the_context_of_a_quantity_runs_to_its_clause_end(text, field, monkeypatch):
    """A rule's context is the paragraph up to the end of the quantity's clause, found by the
    character after the quantity where it ends the clause, else by a search; both agree."""
    from zhreport.forms import mapping

    rules = mapping.NarrativeRules({"rules": [{"field": "a", "ind": "申请", "ctx": "当面"}]})
    s = text.index("3")

    def found():
        m = rules.field_for(text, "申请", s, s + 1, "件", s + 2)
        return None if m is None else m.field

    assert found() == field
    monkeypatch.setattr(mapping, "_CLAUSE_END", "")  # no character tells: the clause end searched
    assert found() == field


@pytest.mark.parametrize("text, field", [
    ("由2名同志，具体负责。", "a"),  # `next` reads the rest of the sentence, past the number's clause
    ("由2名同志。具体负责。", None),  # not past its end
    ("由2名干部具体负责。", None),
])
def test_next_reads_the_rest_of_the_sentence(text, field):
    from zhreport.forms import mapping

    rules = mapping.NarrativeRules({"rules": [{"field": "a", "ind": "由", "next": "^同志[^。]*负责"}]})
    s = text.index("2")
    m = rules.field_for(text, "由", s, s + 1, "名", s + 2)
    assert (None if m is None else m.field) == field


def test_a_field_ruled_out_by_a_rules_none_is_no_paraphrase():
    """The year's items named with 历年 are ruled out by the items rule's none: the paraphrase matcher,
    which finds the indicator close to 主动公开政府信息, does not give the field back."""
    from zhreport.forms.mapping import load_rules

    rules = load_rules("gov2008")
    assert rules.similar.best("主动公开政府信息历年", "条") == "proactive.items.total"
    text = "我局主动公开政府信息历年52条。"
    s = text.index("52")
    assert rules.field_for(text, "主动公开政府信息历年", s, s + 2, "条", s + 3) is None


def test_similarity_ranks_the_two_best_fields_as_a_full_ranking_does(dev_cases):
    """The paraphrase scorer's two best (score, field) pairs, found from the bigrams an indicator
    shares, are the first two of every field ranked by its best Dice coefficient; it gives none
    only where no field reaches the threshold."""
    from zhreport.forms.mapping import _bigrams, _core, load_rules

    unranked = 0
    for tid in ("gov2008", "gov2019"):
        sim = load_rules(tid).similar
        for c in dev_cases[:6]:
            text = c["text"]
            for i in range(0, len(text) - 8, 7):
                indicator = text[i:i + 3 + i % 6]
                ib = _bigrams(_core(indicator))
                full = sorted(((max((2 * len(ib & pb) / (len(ib) + len(pb)) for _p, pb in phrases), default=0.0), fid)
                               for fid, phrases in sim.targets.items()), reverse=True)
                got = sim.score(indicator)
                if ib and full[0][0] >= sim.threshold:
                    assert got == full[:2]
                else:
                    assert got in ([], full[:2])
                    unranked += not got and bool(ib)
    assert unranked > 100  # the bound on what a phrase can score spares most rankings


def test_words_statements_found_from_the_first_place_any_can_start(dev_cases):
    """Each zero (and implied) pattern searched from the joined patterns' first match finds what a
    search of the whole text finds (lookbehinds still read the text before that match), on every
    development report in both scripts."""
    from zhreport.forms.mapping import NarrativeRules, load_rules
    from zhreport.normalize import normalize

    made = NarrativeRules({"zeros": [{"pattern": "(?<=本年度)未收到[^。]{0,6}申请", "fields": ["a"]},
                                     {"pattern": "^无复议", "fields": ["b"]},
                                     {"pattern": "无诉讼", "fields": ["c"]}]})
    text = "本年度未收到政府信息公开申请。无复议，无诉讼。"
    assert made.any_zero is not None
    assert [(c.field, text[c.start:c.end]) for c in made.zero_claims(text)] == [("a", "未收到政府信息公开申请"),
                                                                                 ("c", "无诉讼")]
    texts = [normalize(t).text for c in dev_cases for t in (c["text"], to_traditional_chars(c["text"]))]
    for tid in ("gov2008", "gov2019", "gov2021"):
        rules = load_rules(tid)
        joined = [rules.zero_claims(t) for t in texts]
        saved, rules.any_zero = rules.any_zero, None
        try:
            assert [rules.zero_claims(t) for t in texts] == joined
        finally:
            rules.any_zero = saved
        assert sum(map(len, joined)) > 20

    # (rules, text, stated) of every report's implied statements
    calls = [args for args, _found in _calls_while_extracting(NarrativeRules, "implied_claims", dev_cases)]
    joined = [rules.implied_claims(text, stated) for rules, text, stated in calls]
    saved = {id(r): (r, r.any_implied) for r, _t, _s in calls}
    for r, _joined in saved.values():
        r.any_implied = None
    try:
        assert [rules.implied_claims(text, stated) for rules, text, stated in calls] == joined
    finally:
        for r, pattern in saved.values():
            r.any_implied = pattern
    assert sum(map(len, joined)) > 5

