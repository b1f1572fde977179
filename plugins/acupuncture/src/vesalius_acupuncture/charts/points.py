"""The standard acupuncture points: 361 on the 14 meridians, a few extra points, and codes.

Meridian codes and point counts follow the WHO standard (WHO Regional Office for the
Western Pacific, *WHO Standard Acupuncture Point Locations in the Western Pacific Region*,
2008): LU 11, LI 20,
ST 45, SP 21, HT 9, SI 19, BL 67, KI 27, PC 9, TE 23, GB 44, LR 14, GV 28, CV 24 = 361.
Codes are written without a zero pad (``LI4``, not ``LI04``). Older and national codes are
accepted on input through :func:`normalise_point`: UB (BL), HE (HT), P/HC (PC),
SJ/TW/TH (TE), LV/LIV (LR), Ren/VC (CV), Du/VG (GV), CO (LI).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: code -> (English name, number of points), in the traditional order of the channels.
MERIDIANS: dict[str, tuple[str, int]] = {
    "LU": ("Lung", 11),
    "LI": ("Large Intestine", 20),
    "ST": ("Stomach", 45),
    "SP": ("Spleen", 21),
    "HT": ("Heart", 9),
    "SI": ("Small Intestine", 19),
    "BL": ("Bladder", 67),
    "KI": ("Kidney", 27),
    "PC": ("Pericardium", 9),
    "TE": ("Triple Energizer", 23),
    "GB": ("Gallbladder", 44),
    "LR": ("Liver", 14),
    "GV": ("Governing Vessel", 28),
    "CV": ("Conception Vessel", 24),
}
MIDLINE_MERIDIANS = frozenset({"GV", "CV"})

#: Other meridian prefixes accepted on input (upper case) -> the standard code.
PREFIX_ALIASES: dict[str, str] = {
    "UB": "BL", "HE": "HT", "P": "PC", "HC": "PC", "SJ": "TE", "TW": "TE", "TH": "TE",
    "LV": "LR", "LIV": "LR", "REN": "CV", "VC": "CV", "DU": "GV", "VG": "GV", "CO": "LI",
}
#: The alias spellings given to each region (how they are commonly written).
REGION_ALIAS_PREFIXES: dict[str, tuple[str, ...]] = {
    "BL": ("UB",), "HT": ("HE",), "PC": ("P", "HC"), "TE": ("SJ", "TW", "TH"),
    "LR": ("LV", "LIV"), "CV": ("Ren", "VC"), "GV": ("Du", "VG"), "LI": ("CO",),
}

_NAMES = """
LU Zhongfu Yunmen Tianfu Xiabai Chize Kongzui Lieque Jingqu Taiyuan Yuji Shaoshang
LI Shangyang Erjian Sanjian Hegu Yangxi Pianli Wenliu Xialian Shanglian Shousanli Quchi
   Zhouliao Shouwuli Binao Jianyu Jugu Tianding Futu Kouheliao Yingxiang
ST Chengqi Sibai Juliao Dicang Daying Jiache Xiaguan Touwei Renying Shuitu Qishe Quepen
   Qihu Kufang Wuyi Yingchuang Ruzhong Rugen Burong Chengman Liangmen Guanmen Taiyi
   Huaroumen Tianshu Wailing Daju Shuidao Guilai Qichong Biguan Futu Yinshi Liangqiu Dubi
   Zusanli Shangjuxu Tiaokou Xiajuxu Fenglong Jiexi Chongyang Xiangu Neiting Lidui
SP Yinbai Dadu Taibai Gongsun Shangqiu Sanyinjiao Lougu Diji Yinlingquan Xuehai Jimen
   Chongmen Fushe Fujie Daheng Fuai Shidou Tianxi Xiongxiang Zhourong Dabao
HT Jiquan Qingling Shaohai Lingdao Tongli Yinxi Shenmen Shaofu Shaochong
SI Shaoze Qiangu Houxi Wangu Yanggu Yanglao Zhizheng Xiaohai Jianzhen Naoshu Tianzong
   Bingfeng Quyuan Jianwaishu Jianzhongshu Tianchuang Tianrong Quanliao Tinggong
BL Jingming Cuanzhu Meichong Qucha Wuchu Chengguang Tongtian Luoque Yuzhen Tianzhu Dazhu
   Fengmen Feishu Jueyinshu Xinshu Dushu Geshu Ganshu Danshu Pishu Weishu Sanjiaoshu
   Shenshu Qihaishu Dachangshu Guanyuanshu Xiaochangshu Pangguangshu Zhonglushu
   Baihuanshu Shangliao Ciliao Zhongliao Xialiao Huiyang Chengfu Yinmen Fuxi Weiyang
   Weizhong Fufen Pohu Gaohuang Shentang Yixi Geguan Hunmen Yanggang Yishe Weicang
   Huangmen Zhishi Baohuang Zhibian Heyang Chengjin Chengshan Feiyang Fuyang Kunlun Pucan
   Shenmai Jinmen Jinggu Shugu Zutonggu Zhiyin
KI Yongquan Rangu Taixi Dazhong Shuiquan Zhaohai Fuliu Jiaoxin Zhubin Yingu Henggu Dahe
   Qixue Siman Zhongzhu Huangshu Shangqu Shiguan Yindu Futonggu Youmen Bulang Shenfeng
   Lingxu Shencang Yuzhong Shufu
PC Tianchi Tianquan Quze Ximen Jianshi Neiguan Daling Laogong Zhongchong
TE Guanchong Yemen Zhongzhu Yangchi Waiguan Zhigou Huizong Sanyangluo Sidu Tianjing
   Qinglengyuan Xiaoluo Naohui Jianliao Tianliao Tianyou Yifeng Chimai Luxi Jiaosun Ermen
   Erheliao Sizhukong
GB Tongziliao Tinghui Shangguan Hanyan Xuanlu Xuanli Qubin Shuaigu Tianchong Fubai
   Touqiaoyin Wangu Benshen Yangbai Toulinqi Muchuang Zhengying Chengling Naokong
   Fengchi Jianjing Yuanye Zhejin Riyue Jingmen Daimai Wushu Weidao Juliao Huantiao
   Fengshi Zhongdu Xiyangguan Yanglingquan Yangjiao Waiqiu Guangming Yangfu Xuanzhong
   Qiuxu Zulinqi Diwuhui Xiaxi Zuqiaoyin
LR Dadun Xingjian Taichong Zhongfeng Ligou Zhongdu Xiguan Ququan Yinbao Zuwuli Yinlian
   Jimai Zhangmen Qimen
GV Changqiang Yaoshu Yaoyangguan Mingmen Xuanshu Jizhong Zhongshu Jinsuo Zhiyang
   Lingtai Shendao Shenzhu Taodao Dazhui Yamen Fengfu Naohu Qiangjian Houding Baihui
   Qianding Xinhui Shangxing Shenting Suliao Shuigou Duiduan Yinjiao
CV Huiyin Qugu Zhongji Guanyuan Shimen Qihai Yinjiao Shenque Shuifen Xiawan Jianli
   Zhongwan Shangwan Juque Jiuwei Zhongting Danzhong Yutang Zigong Huagai Xuanji Tiantu
   Lianquan Chengjiang
"""


def _pinyin() -> dict[str, str]:
    names: dict[str, str] = {}
    words = _NAMES.split()
    meridian = ""
    number = 0
    for word in words:
        if word in MERIDIANS:
            meridian, number = word, 0
            continue
        number += 1
        names[f"{meridian}{number}"] = word
    return names


#: Standard code -> pinyin name, for the 361 meridian points.
PINYIN: dict[str, str] = _pinyin()

#: Extra points (WHO 2008 codes), each drawn as one region; several are groups of points.
EXTRA_POINTS: dict[str, str] = {
    "EX-HN1": "Sishencong (four points around GV20)",
    "EX-HN3": "Yintang (between the eyebrows)",
    "EX-HN4": "Yuyao (middle of the eyebrow)",
    "EX-HN5": "Taiyang (temple)",
    "EX-B1": "Dingchuan (beside C7)",
    "EX-B2": "Jiaji (beside the spinous processes T1-L5, 17 pairs)",
    "EX-B7": "Yaoyan (beside L4, in the lumbar hollow)",
    "EX-B8": "Shiqizhui (below the spinous process of L5)",
    "EX-CA1": "Zigong (lower abdomen, 4 cun below the umbilicus, 3 cun lateral)",
    "EX-UE7": "Yaotongdian (dorsum of the hand, two points)",
    "EX-UE9": "Baxie (between the knuckles, four points per hand)",
    "EX-UE10": "Sifeng (palmar finger creases, four points per hand)",
    "EX-UE11": "Shixuan (tips of the fingers, ten points)",
    "EX-LE4": "Neixiyan (medial eye of the knee)",
    "EX-LE6": "Dannang (below GB34)",
    "EX-LE7": "Lanwei (below ST36)",
    "EX-LE10": "Bafeng (between the toes, four points per foot)",
}
#: Extra points on the midline (no side to choose).
MIDLINE_EXTRAS = frozenset({"EX-HN3", "EX-B8"})
#: Other codes for an extra point. GV29 for Yintang is reported for the Chinese national
#: standard, which we could not verify against the standard's text, so it is only an input
#: alias.
EXTRA_ALIASES: dict[str, tuple[str, ...]] = {"EX-HN3": ("GV29",)}


@dataclass(frozen=True)
class Point:
    code: str
    meridian: str  # meridian code, or "EX" for an extra point
    number: int | None
    name: str

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def midline(self) -> bool:
        return self.meridian in MIDLINE_MERIDIANS or self.code in MIDLINE_EXTRAS

    @property
    def aliases(self) -> tuple[str, ...]:
        if self.number is None:
            return EXTRA_ALIASES.get(self.code, ())
        return tuple(f"{p}{self.number}" for p in REGION_ALIAS_PREFIXES.get(self.meridian, ()))


def _points() -> dict[str, Point]:
    points: dict[str, Point] = {}
    for meridian, (_, count) in MERIDIANS.items():
        for number in range(1, count + 1):
            code = f"{meridian}{number}"
            points[code] = Point(code, meridian, number, PINYIN[code])
    for code, name in EXTRA_POINTS.items():
        points[code] = Point(code, "EX", None, name)
    return points


#: Every point of the chart by standard code, meridian points first in channel order.
POINTS: dict[str, Point] = _points()
MERIDIAN_POINTS: tuple[str, ...] = tuple(c for c, p in POINTS.items() if p.number is not None)

_MERIDIAN_CODE = re.compile(r"^([A-Z]+)[\s.-]*0*([1-9][0-9]?)$")
_EXTRA_CODE = re.compile(r"^EX[\s.-]*(HN|B|CA|UE|LE)[\s.-]*0*([1-9][0-9]?)$")
_INPUT_ALIASES = {alias: code for code, aliases in EXTRA_ALIASES.items() for alias in aliases}


def normalise_point(code: str) -> str:
    """The standard code of a point written in any accepted form.

    Case-insensitive, with optional separators and zero padding: ``ub40``, ``UB-40``,
    ``BL040`` and ``Bl40`` all give ``BL40``; ``SJ5`` gives ``TE5``; ``Ren12`` gives ``CV12``;
    ``ex-hn3`` gives ``EX-HN3``. Raises ``ValueError`` for an unknown prefix, a number
    beyond the meridian's last point, or anything else that is not a point of this chart.
    """
    if not isinstance(code, str):
        raise ValueError(f"a point code is a string, got {code!r}")
    text = code.strip().upper()
    extra = _EXTRA_CODE.match(text)
    if extra:
        candidate = f"EX-{extra.group(1)}{int(extra.group(2))}"
        if candidate in POINTS:
            return candidate
        raise ValueError(f"{code!r} is not one of the extra points on this chart")
    match = _MERIDIAN_CODE.match(text)
    if not match:
        raise ValueError(f"{code!r} is not an acupuncture point code (such as LI4 or UB40)")
    prefix, number = match.group(1), int(match.group(2))
    if f"{prefix}{number}" in _INPUT_ALIASES:
        return _INPUT_ALIASES[f"{prefix}{number}"]
    meridian = prefix if prefix in MERIDIANS else PREFIX_ALIASES.get(prefix)
    if meridian is None:
        raise ValueError(f"{code!r}: unknown meridian {prefix!r}")
    count = MERIDIANS[meridian][1]
    if number > count:
        raise ValueError(f"{code!r}: the {MERIDIANS[meridian][0]} meridian has {count} points")
    return f"{meridian}{number}"
