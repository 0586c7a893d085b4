"""Deterministic made-up names and years for demo residents (no real persons)."""

import random

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
            "许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程")
GIVEN = ("秀英", "桂英", "玉兰", "建国", "建华", "国强", "志刚", "文华", "红梅", "德明", "春兰",
         "丽华",
         "永生", "淑珍", "海燕", "明", "伟", "芳", "军", "勇", "静", "磊", "洋", "敏", "杰", "涛",
         "金凤", "光荣", "卫东", "晓燕", "佳怡", "子涵", "浩然", "雨欣", "宇轩", "思远")


def rng(seed: str) -> random.Random:
    """A random generator that gives the same demo every time."""
    return random.Random(seed)


def name(r: random.Random) -> str:
    return r.choice(SURNAMES) + r.choice(GIVEN)


def birth_year(r: random.Random, elderly_share: float = 0.35) -> int:
    if r.random() < elderly_share:
        return r.randint(1936, 1960)
    return r.randint(1961, 2012)
