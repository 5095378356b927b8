"""The Vietnamese words of every output: column labels, descriptions, sheet names, statuses.

One vocabulary for the plan, the postings, the comparison and the reports, so the same
column is called the same everywhere. Machine values (CSV headers, JSON keys) stay English;
what a planner reads in a workbook or a report comes from here.
"""
from __future__ import annotations

SHEET_NAMES: dict[str, str] = {
    "summary": "Tóm tắt",
    "transfers": "Điều động",
    "units_after": "Đơn vị sau điều động",
    "short": "Còn thiếu",
    "postings": "Cán bộ hỗ trợ",
    "notes": "Ghi chú",
    "retraining": "Đào tạo lại",        # only with retraining (docs/contract.md §6)
}

LABELS_VI: dict[str, str] = {
    # transfers
    "transfer_no": "Số thứ tự",
    "staff_id": "Mã công chức",
    "full_name": "Họ và tên",
    "position_code": "Mã vị trí việc làm",
    "position_name": "Vị trí việc làm",
    "from_unit": "Mã đơn vị đi",
    "from_unit_name": "Từ đơn vị",
    "from_province": "Mã tỉnh đi",
    "from_province_name": "Từ tỉnh/thành phố",
    "to_unit": "Mã đơn vị đến",
    "to_unit_name": "Đến đơn vị",
    "to_province": "Mã tỉnh đến",
    "to_province_name": "Đến tỉnh/thành phố",
    "km": "Khoảng cách (km)",
    "distance_source": "Cách tính khoảng cách",
    "effective_date": "Ngày hiệu lực",
    "authority": "Thẩm quyền quyết định",
    "authority_level": "Cấp thẩm quyền",
    "years_to_retirement": "Số năm đến tuổi nghỉ hưu",
    "reason": "Lý do",
    # units_after
    "unit_code": "Mã đơn vị",
    "unit_name": "Tên đơn vị",
    "province_code": "Mã tỉnh/thành phố",
    "province_name": "Tỉnh/thành phố",
    "priority": "Mức ưu tiên",
    "staff_before": "Số hiện có",
    "quota": "Biên chế giao",
    "staff_after": "Sau điều động",
    "shortage_before": "Thiếu trước điều động",
    "surplus_before": "Thừa trước điều động",
    "shortage_after": "Còn thiếu",
    "surplus_after": "Còn thừa",
    "arrivals": "Số người đến",
    "departures": "Số người đi",
    "weighted_shortage_after": "Còn thiếu × mức ưu tiên",
    # postings
    "officer_id": "Mã cán bộ",
    "score": "Điểm phù hợp",
    "covered": "Lĩnh vực đáp ứng",
    "uncovered": "Lĩnh vực chưa đáp ứng",
    "home_province_code": "Mã tỉnh quê quán",
    "seniority": "Thâm niên (năm)",
    "alternative_officer_id": "Cán bộ thay thế tốt nhất",
    "alternative_loss": "Điểm mất đi nếu thay thế",
    "home_unit_code": "Mã đơn vị quê quán",
    # transfers with decisions, wishes or a baseline (docs/contract.md §8)
    "decision": "Quyết định của cấp có thẩm quyền",
    "wish_rank": "Nguyện vọng thứ",
    "baseline": "So với kế hoạch trước",
    # retraining (docs/contract.md §6; only in plans made with --conversions)
    "to_position_code": "Mã vị trí việc làm mới",
    "to_position_name": "Vị trí việc làm mới",
    "training_months": "Thời gian đào tạo (tháng)",
    "training_cost_vnd": "Chi phí đào tạo (đồng)",
    "retrained": "Số người đào tạo lại",
    "in_place": "Trong đó tại chỗ",
}

DESCRIPTIONS_VI: dict[str, str] = {
    "transfer_no": "Số thứ tự của quyết định điều động trong kế hoạch (1, 2, …).",
    "staff_id": "Mã định danh của công chức (văn bản, giữ nguyên số 0 ở đầu).",
    "full_name": "Họ và tên như trong danh sách công chức.",
    "position_code": "Mã vị trí việc làm; người được điều động giữ nguyên vị trí việc làm.",
    "position_name": "Tên vị trí việc làm.",
    "from_unit": "Mã xã/phường/đặc khu nơi công chức đang công tác.",
    "from_unit_name": "Tên đơn vị nơi công chức đang công tác.",
    "from_province": "Mã tỉnh/thành phố của đơn vị đi.",
    "from_province_name": "Tên tỉnh/thành phố của đơn vị đi.",
    "to_unit": "Mã xã/phường/đặc khu nơi công chức được điều động đến.",
    "to_unit_name": "Tên đơn vị nơi công chức được điều động đến.",
    "to_province": "Mã tỉnh/thành phố của đơn vị đến.",
    "to_province_name": "Tên tỉnh/thành phố của đơn vị đến.",
    "km": "Khoảng cách giữa hai đơn vị (km, chính xác đến mét): đường bộ nếu bảng distances có, nếu không là đường chim bay.",
    "distance_source": "Đường bộ (bảng khoảng cách của bộ dữ liệu) hoặc đường chim bay "
                       "(theo tọa độ, bán kính Trái Đất 6.371 km).",
    "effective_date": "Ngày quyết định điều động có hiệu lực (ngày lập kế hoạch).",
    "authority": "Người có thẩm quyền ký quyết định điều động.",
    "authority_level": "Cấp tỉnh (trong một tỉnh) hoặc cấp bộ (liên tỉnh).",
    "years_to_retirement": "Số năm còn lại đến tuổi nghỉ hưu theo lộ trình của "
                           "Bộ luật Lao động 2019.",
    "reason": "Lý do điều động, một dòng.",
    "unit_code": "Mã xã/phường/đặc khu (văn bản, giữ nguyên số 0 ở đầu).",
    "unit_name": "Tên xã/phường/đặc khu.",
    "province_code": "Mã tỉnh/thành phố.",
    "province_name": "Tên tỉnh/thành phố.",
    "priority": "Mức ưu tiên của vị trí việc làm (số càng lớn càng ưu tiên lấp đầy).",
    "staff_before": "Số công chức hiện có của vị trí việc làm tại đơn vị, trước điều động.",
    "quota": "Số biên chế được giao cho vị trí việc làm tại đơn vị.",
    "staff_after": "Số công chức sau khi thực hiện kế hoạch điều động.",
    "shortage_before": "Số biên chế còn thiếu trước điều động (biên chế giao − hiện có, "
                       "nếu dương).",
    "surplus_before": "Số công chức dôi dư trước điều động (hiện có − biên chế giao, "
                      "nếu dương).",
    "shortage_after": "Số biên chế vẫn còn thiếu sau điều động.",
    "surplus_after": "Số công chức vẫn còn dôi dư sau điều động.",
    "arrivals": "Số công chức được điều động đến.",
    "departures": "Số công chức được điều động đi.",
    "weighted_shortage_after": "Còn thiếu nhân với mức ưu tiên: thứ tự cần quan tâm trước.",
    "officer_id": "Mã cán bộ hỗ trợ (văn bản).",
    "score": "Điểm phù hợp: tổng trọng số nhu cầu của tỉnh ở các lĩnh vực chuyên môn "
             "của cán bộ.",
    "covered": "Các lĩnh vực nhu cầu của tỉnh mà cán bộ đáp ứng.",
    "uncovered": "Các lĩnh vực nhu cầu của tỉnh mà cán bộ chưa đáp ứng.",
    "home_province_code": "Mã tỉnh quê quán của cán bộ (không phân công về tỉnh quê "
                          "quán, trừ khi được cho phép).",
    "seniority": "Thâm niên công tác (năm).",
    "alternative_officer_id": "Cán bộ có thể thay thế tốt nhất cho tỉnh này.",
    "alternative_loss": "Tổng điểm phù hợp giảm đi nếu dùng cán bộ thay thế.",
    "home_unit_code": "Mã đơn vị quê quán.",
    "decision": "move: điều động theo quyết định của người lập kế hoạch (không áp dụng giới hạn km).",
    "wish_rank": "Thứ tự nguyện vọng của người được điều động đối với đơn vị đến (trống: không "
                 "nằm trong nguyện vọng, điều động không tự nguyện).",
    "baseline": "kept: giữ như kế hoạch trước; new: điều động mới so với kế hoạch trước.",
    "to_position_code": "Mã vị trí việc làm sau điều động: khác vị trí hiện tại khi công chức được "
                        "đào tạo lại theo bảng conversions (bằng vị trí hiện tại nếu không đổi).",
    "to_position_name": "Tên vị trí việc làm sau điều động.",
    "training_months": "Số tháng đào tạo, bồi dưỡng để đáp ứng khung năng lực của vị trí mới "
                       "(0 nếu không đổi vị trí).",
    "training_cost_vnd": "Chi phí đào tạo theo bảng conversions (đồng; 0 nếu không đổi vị trí).",
    "retrained": "Số công chức được đào tạo lại theo lộ trình này.",
    "in_place": "Số người được đào tạo lại ngay tại đơn vị đang công tác (0 km).",
}

#: Where a column means something else in one sheet: (sheet key, column) → meaning.
SHEET_DESCRIPTIONS_VI: dict[tuple[str, str], str] = {
    ("postings", "priority"): "Mức ưu tiên của tỉnh khi cử cán bộ (số biên chế còn thiếu sau "
                              "phương án điều động).",
    ("postings", "full_name"): "Họ và tên cán bộ hỗ trợ.",
    ("postings", "reason"): "Lý do phân công, một dòng.",
    ("postings", "province_code"): "Mã tỉnh/thành phố được cử cán bộ đến.",
    ("postings", "province_name"): "Tỉnh/thành phố được cử cán bộ đến.",
}

#: Machine values shown in Vietnamese in the workbook (the CSV files keep the values).
VALUE_LABELS_VI: dict[str, dict[str, str]] = {
    "distance_source": {"road": "Đường bộ", "great_circle": "Đường chim bay"},
    "authority_level": {"province": "Cấp tỉnh", "ministry": "Cấp bộ"},
    "decision": {"move": "Điều động theo quyết định"},
    "baseline": {"kept": "Giữ như kế hoạch trước", "new": "Mới"},
}

SUMMARY_LABELS_VI: dict[str, str] = {
    "status": "Trạng thái lời giải",
    "method": "Phương pháp giải",
    "shortage_before": "Số biên chế thiếu trước điều động",
    "shortage_after": "Số biên chế còn thiếu sau điều động",
    "weighted_shortage_before": "Thiếu có trọng số (× mức ưu tiên) trước điều động",
    "weighted_shortage_after": "Thiếu có trọng số (× mức ưu tiên) sau điều động",
    "surplus_before": "Số công chức dôi dư trước điều động",
    "surplus_after": "Số công chức còn dôi dư sau điều động",
    "moves": "Số người được điều động",
    "total_km": "Tổng quãng đường điều động (km)",
    "mean_km": "Quãng đường bình quân mỗi người (km)",
    "ceiling": "Số chỗ thiếu tối đa có thể lấp (trần)",
    "ceiling_fill_rate": "Tỷ lệ đạt so với trần",
    "fill_rate": "Tỷ lệ lấp đầy chỗ thiếu",
    "units_short_before": "Số đơn vị thiếu ở ít nhất một vị trí việc làm, trước điều động",
    "units_short_after": "Số đơn vị còn thiếu ở ít nhất một vị trí việc làm, sau điều động",
    "objective": "Giá trị hàm mục tiêu",
    "bound": "Cận của hàm mục tiêu",
    "gap": "Khoảng cách tối ưu (gap)",
    "solve_seconds": "Thời gian giải (giây)",
    "timings": "Thời gian từng bước (giây)",
    "check": "Kiểm tra độc lập",
    "scenario": "Kịch bản",
    "dataset": "Bộ dữ liệu",
    "data_note": "Ghi chú về dữ liệu",
    "officers": "Cán bộ hỗ trợ",
    # further keys the pipeline writes
    "ceiling_weighted": "Trần có trọng số (× mức ưu tiên)",
    "build_seconds": "Thời gian lập mô hình (giây)",
    "eligible_arcs": "Số cặp đơn vị – vị trí có thể điều động (cung)",
    # decisions, wishes and a baseline (docs/contract.md §8)
    "baseline_kept": "Điều động giữ như kế hoạch trước",
    "baseline_dropped": "Điều động của kế hoạch trước bị bỏ",
    "baseline_added": "Điều động mới so với kế hoạch trước",
    "voluntary_moves": "Số người điều động theo nguyện vọng",
    "involuntary_moves": "Số người điều động không theo nguyện vọng",
    "wishes": "Nguyện vọng",
    "staff_with_wishes": "Số công chức có nguyện vọng",
    "choices_met": "Số nguyện vọng được đáp ứng (theo thứ tự)",
    "decisions": "Quyết định của người lập kế hoạch",
    "keep": "Giữ lại",
    "exempt": "Không điều động",
    "move": "Điều động",
    "exempt_staff": "Số công chức không điều động theo Nghị định 170/2025",
    "preference_model": "Mô hình nguyện vọng (từng thành phần liên thông)",
    # inside "timings"
    "read": "Đọc dữ liệu",
    "eligibility": "Xác định các cặp điều động hợp lệ",
    "model": "Lập và giải mô hình",
    "selection": "Chọn người điều động",
    "audit": "Kiểm tra độc lập",
    # inside "officers"
    "total_score": "Tổng điểm phù hợp",
    "posted": "Số tỉnh được cử cán bộ",
    "unposted": "Số tỉnh chưa được cử cán bộ",
    "secondary_rule": "Quy tắc phụ khi cùng tổng điểm",
    # retraining (docs/contract.md §6)
    "position_changes": "Số người chuyển sang vị trí việc làm khác",
    "retraining": "Đào tạo lại sang vị trí việc làm khác",
    "retrained_in_place": "Số người đào tạo lại tại chỗ",
    "plain_transfers": "Số người điều động giữ nguyên vị trí",
    "training_months_total": "Tổng số tháng đào tạo",
    "by_pair": "Theo lộ trình (xem bảng Đào tạo lại)",
}

#: Two ways to count "units short", named so that a planner never reads one for the other
#: (issue 9 item 9): the key figures and the summaries count a unit short in ANY position (even
#: when it has surplus in another); the map counts a unit short IN TOTAL (fewer staff than quota,
#: all positions together). The second is never larger than the first.
UNITS_SHORT_ANY_VI = "Đơn vị thiếu ở ít nhất một vị trí việc làm"
UNITS_SHORT_ANY_NOTE_VI = "trước → sau điều động; kể cả đơn vị thừa ở vị trí khác"
UNITS_SHORT_NET_VI = "đơn vị thiếu tính gộp mọi vị trí"
UNITS_SHORT_NET_NOTE_VI = ("tổng số người của đơn vị ít hơn tổng biên chế giao; một đơn vị thiếu ở vị trí "
                           "này nhưng thừa ở vị trí khác có thể không thiếu khi tính gộp")
# docs/contract.md §7 (explanations and fairness), written only when asked for
SUMMARY_LABELS_VI.update({
    "max_unit_shortage_share": "Tỷ lệ thiếu có trọng số lớn nhất của một đơn vị",
    "gini_unit_shortage_share": "Hệ số Gini của tỷ lệ thiếu theo đơn vị",
    "fairness_km_cost": "Số km tăng thêm vì công bằng",
    "unfilled_by_reason": "Chỗ còn thiếu theo lý do",
    "surplus_left_by_reason": "Dôi dư còn lại theo lý do",
    "explain_check": "Kiểm tra độc lập các lý do",
    "fairness": "Phân bổ công bằng (leximin)",
    "efficient_max_unit_shortage_share": "Tỷ lệ thiếu lớn nhất (kế hoạch hiệu quả)",
    "efficient_gini_unit_shortage_share": "Hệ số Gini (kế hoạch hiệu quả)",
    "efficient_total_km": "Tổng km (kế hoạch hiệu quả)",
    "efficient_weighted_fill": "Số chỗ lấp có trọng số (kế hoạch hiệu quả)",
    "weighted_fill": "Số chỗ lấp có trọng số",
})

SCENARIO_LABELS_VI: dict[str, str] = {
    "fairness": "Công bằng phần thiếu còn lại (leximin)",
    "explain": "Giải thích chi tiết (độ nhạy, giải pháp theo tỉnh)",
    "name": "Tên kịch bản",
    "max_km": "Khoảng cách điều động tối đa (km)",
    "cross_province": "Cho phép điều động liên tỉnh",
    "cross_province_into": "Chỉ cho phép nhận liên tỉnh vào các tỉnh",
    "provinces": "Các tỉnh lập kế hoạch (trống: cả nước)",
    "effective_date": "Ngày hiệu lực của quyết định",
    "allow_home_province": "Cho phép cử cán bộ về tỉnh quê",
    "max_departures_per_unit": "Số người đi tối đa của một đơn vị",
    "max_arrivals_per_unit": "Số người đến tối đa của một đơn vị",
    "protect_years": "Không điều động người còn dưới … năm đến tuổi nghỉ hưu",
    "plan_date": "Ngày lập kế hoạch",
    "time_limit": "Giới hạn thời gian giải (giây)",
    "dataset": "Bộ dữ liệu",
    "quota_adjust_pct": "Điều chỉnh biên chế chung (%)",
    "quota_adjust_pct_by_province": "Điều chỉnh biên chế theo tỉnh (%)",
    "solver": "Bộ giải",
    "conversions": "Cho phép đào tạo lại sang vị trí khác",
}

STATUS_VI: dict[str, str] = {
    "optimal": "Tối ưu",
    "feasible": "Khả thi (chưa chứng minh tối ưu)",
    "infeasible": "Không khả thi",
}
#: The status in one word (report cards, comparison tables).
STATUS_SHORT_VI: dict[str, str] = {"optimal": "Tối ưu", "feasible": "Khả thi", "infeasible": "Không khả thi"}
METHOD_VI: dict[str, str] = {
    "min_cost_flow": "Luồng chi phí nhỏ nhất",
    "mip": "Quy hoạch nguyên hỗn hợp (MIP)",
    "staged_lp": "Quy hoạch tuyến tính theo từng bậc mục tiêu (ma trận mạng, nghiệm nguyên)",
}


#: Vietnamese names of the Ministry of Home Affairs' fields (docs/domain.md); unknown codes show as the code.
AREA_LABELS: dict[str, str] = {
    "to_chuc_bo_may": "Tổ chức bộ máy",
    "bien_che_vtvl": "Biên chế và vị trí việc làm",
    "chinh_quyen_dia_phuong": "Chính quyền địa phương",
    "cai_cach_hanh_chinh": "Cải cách hành chính",
    "tien_luong": "Tiền lương",
    "thi_dua_khen_thuong": "Thi đua, khen thưởng",
    "ton_giao": "Tôn giáo",
    "van_thu_luu_tru": "Văn thư, lưu trữ",
    "lao_dong_viec_lam": "Lao động, việc làm",
    "bao_hiem_xa_hoi": "Bảo hiểm xã hội",
    "chuyen_doi_so": "Chuyển đổi số trong hành chính",
    "dao_tao_boi_duong": "Đào tạo, bồi dưỡng cán bộ, công chức",
}

#: Labels of the officers' files (postings.xlsx): the plan's labels, and the officers' own columns.
OFFICER_LABELS_VI: dict[str, str] = {
    **{c: LABELS_VI[c] for c in ("officer_id", "full_name", "province_code", "province_name", "score",
                                 "covered", "uncovered", "home_province_code", "seniority", "reason",
                                 "alternative_officer_id", "alternative_loss")},
    "priority": "Mức ưu tiên của tỉnh",
    "loss_if_posted": "Điểm giảm nếu được cử",
}


#: Labels of the comparison's own columns (the others come from the plan's vocabulary).
COMPARISON_LABELS_VI: dict[str, str] = {
    "quota_adjust_pct_by_province": "Điều chỉnh biên chế theo tỉnh (%)",
    "wall_seconds": "Thời gian chạy kịch bản (giây)",
    "data_note": "Ghi chú về dữ liệu",
}

#: The comparison's columns in English (the terminal table is bilingual).
COMPARISON_LABELS_EN: dict[str, str] = {
    "name": "scenario",
    "max_km": "max km per move",
    "cross_province": "cross-province moves",
    "cross_province_into": "cross-province: only into",
    "provinces": "provinces planned (empty: all)",
    "protect_years": "protect within … years of retirement",
    "plan_date": "plan date",
    "quota_adjust_pct": "quota adjustment (%)",
    "quota_adjust_pct_by_province": "quota adjustment by province (%)",
    "dataset": "dataset",
    "shortage_before": "shortage before",
    "shortage_after": "shortage after",
    "fill_rate": "fill rate",
    "moves": "moves",
    "total_km": "total km",
    "mean_km": "mean km per move",
    "units_short_before": "units short in some position, before",
    "units_short_after": "units short in some position, after",
    "ceiling": "ceiling (fillable, no km limit)",
    "ceiling_fill_rate": "fill rate of the ceiling",
    "weighted_shortage_before": "weighted shortage before",
    "weighted_shortage_after": "weighted shortage after",
    "surplus_after": "surplus after",
    "status": "solver status",
    "method": "method",
    "solve_seconds": "solver seconds",
    "wall_seconds": "scenario seconds",
    "data_note": "data note",
}

#: What the comparison's own columns mean (the workbook's notes).
COMPARISON_DESCRIPTIONS_VI: dict[str, str] = {
    "name": "Tên kịch bản (trong tệp kịch bản, hoặc do lệnh quét khoảng cách đặt).",
    "quota_adjust_pct_by_province": "Điều chỉnh biên chế riêng của từng tỉnh, dạng "
                                    "'mã tỉnh: ±%'; thay cho mức điều chỉnh chung ở tỉnh đó.",
    "dataset": "Thư mục hoặc tệp dữ liệu đã dùng.",
    "fill_rate": "Số chỗ thiếu được lấp ÷ số chỗ thiếu trước điều động.",
    "ceiling": "Số chỗ thiếu lấp được nhiều nhất nếu không giới hạn khoảng cách "
               "(cùng các quy tắc khác).",
    "ceiling_fill_rate": "Số chỗ thiếu được lấp ÷ trần.",
    "solve_seconds": "Thời gian của bộ giải (giây); thay đổi giữa các lần chạy.",
    "wall_seconds": "Thời gian của cả quy trình cho kịch bản này, không kể đọc dữ liệu "
                    "(giây); thay đổi giữa các lần chạy.",
}
