"""English names of the demo city, kept beside `city_data` rather than inside its records.

Districts, units and categories are translated here by hand (the districts' and bureaus' names
as the Beijing government writes them in English). Streets and communities, several hundred of
them, are written in Hanyu Pinyin by `place_name_en` (pypinyin, with its phrase dictionary for
the readings of polyphonic characters) followed by an English word for their kind, the way
Beijing's road signs write them ("和平街街道" → "Hepingjie Subdistrict").
"""

from pypinyin import Style, lazy_pinyin, load_phrases_dict

# Place names the phrase dictionary reads otherwise (朝 zhāo, 长 zhǎng, 乐 lè).
load_phrases_dict(
    {
        "朝阳": [["cháo"], ["yáng"]],
        "长店": [["cháng"], ["diàn"]],
        "长巷": [["cháng"], ["xiàng"]],
        "演乐": [["yǎn"], ["yuè"]],
    },
    style="tone",
)

DISTRICTS = {
    "110000": "Beijing",
    "110101": "Dongcheng District",
    "110102": "Xicheng District",
    "110105": "Chaoyang District",
    "110106": "Fengtai District",
    "110107": "Shijingshan District",
    "110108": "Haidian District",
    "110109": "Mentougou District",
    "110111": "Fangshan District",
    "110112": "Tongzhou District",
    "110113": "Shunyi District",
    "110114": "Changping District",
    "110115": "Daxing District",
    "110116": "Huairou District",
    "110117": "Pinggu District",
    "110118": "Miyun District",
    "110119": "Yanqing District",
}

# The kind of place a name ends with, longest first.
PLACE_SUFFIXES = [
    ("社区", "Community"),
    ("街道", "Subdistrict"),
    ("地区", "Area"),
    ("村", "Village"),
    ("乡", "Township"),
    ("镇", "Town"),
]

UNITS = {
    "hotline": "Beijing 12345 Citizen Service Hotline Centre",
    "bj-zjw": "Beijing Municipal Commission of Housing and Urban-Rural Development",
    "bj-cgw": "Beijing Municipal Commission of Urban Management",
    "bj-jtw": "Beijing Municipal Commission of Transport",
    "bj-sthjj": "Beijing Municipal Ecology and Environment Bureau",
    "bj-scjgj": "Beijing Municipal Administration for Market Regulation",
    "bj-rsj": "Beijing Municipal Human Resources and Social Security Bureau",
    "bj-wjw": "Beijing Municipal Health Commission",
    "bj-jw": "Beijing Municipal Education Commission",
    "bj-gaj": "Beijing Municipal Public Security Bureau",
    "bj-jgj": "Beijing Traffic Management Bureau",
    "bj-ghzrzyw": "Beijing Municipal Commission of Planning and Natural Resources",
    "bj-swj": "Beijing Water Authority",
    "bj-yllhj": "Beijing Municipal Forestry and Parks Bureau",
    "bj-mzj": "Beijing Municipal Civil Affairs Bureau",
    "bj-whlyj": "Beijing Municipal Bureau of Culture and Tourism",
    "bj-cgzfj": "Beijing Municipal Urban Management Law Enforcement Bureau",
    "bj-ybj": "Beijing Municipal Medical Insurance Bureau",
    "bj-xfjy": "Beijing Fire and Rescue Brigade",
    "bj-zwfwj": "Beijing Municipal Bureau of Government Services and Data Management",
    "ut-water": "Beijing Waterworks Group",
    "ut-drain": "Beijing Drainage Group",
    "ut-power": "State Grid Beijing Electric Power Company",
    "ut-gas": "Beijing Gas Group",
    "ut-heat": "Beijing District Heating Group",
    "ut-unicom": "China Unicom Beijing Branch",
    "ut-bus": "Beijing Public Transport Holdings",
    "pf-meituan": "Beijing Sankuai Online Technology (Meituan)",
    "pf-eleme": "Rajax Network Technology (Ele.me)",
}

# District departments: "cy-zjw" → "Chaoyang District " + the department's English name.
DISTRICT_PREFIXES = {"cy": "110105", "dc": "110101", "hd": "110108"}
DISTRICT_DEPARTMENTS = {
    "zjw": "Commission of Housing and Urban-Rural Development",
    "cgw": "Commission of Urban Management",
    "cgzfj": "Urban Management Law Enforcement Bureau",
    "rsj": "Human Resources and Social Security Bureau",
}

CATEGORIES = {
    "housing": "Housing",
    "housing.property": "Property management",
    "housing.property.service": "Quality of property services",
    "housing.property.fee": "Property management fees",
    "housing.property.plate": "Missing building number",
    "housing.property.parking": "Parking in the compound",
    "housing.property.elevator": "Lift out of order",
    "housing.property.dispute": "Disputes among owners, committee and manager",
    "housing.renovation": "Old compound renovation",
    "housing.renovation.elevator": "Adding a lift",
    "housing.renovation.pipes": "Pipe and cable renewal",
    "housing.renovation.insulation": "External wall insulation",
    "housing.rental": "Renting",
    "housing.rental.deposit": "Rental deposit disputes",
    "housing.rental.group": "Overcrowded sublets",
    "construction": "Urban and rural construction",
    "construction.site": "Construction sites",
    "construction.site.safety": "Construction site hazards",
    "construction.site.muck": "Spillage from muck trucks",
    "construction.planning": "Planning and expropriation",
    "construction.planning.publicity": "Planning notices",
    "construction.planning.demolition": "Expropriation and compensation",
    "city": "City management",
    "city.sanitation": "Sanitation",
    "city.sanitation.sorting": "Waste sorting",
    "city.sanitation.clearance": "Rubbish not collected",
    "city.order": "Street order",
    "city.order.illegal_build": "Illegal structures",
    "city.order.street_vendor": "Street vending",
    "city.order.bike": "Badly parked shared bikes",
    "city.order.ads": "Illegal flyers",
    "city.facilities": "Municipal facilities",
    "city.facilities.road": "Damaged roads",
    "city.facilities.streetlight": "Street lights out",
    "city.facilities.greening": "Parks and green spaces",
    "environment": "Environment",
    "environment.noise": "Noise",
    "environment.noise.construction": "Construction noise",
    "environment.noise.commercial": "Noise from businesses",
    "environment.noise.neighbour": "Noise from neighbours",
    "environment.pollution": "Pollution",
    "environment.pollution.fumes": "Cooking fumes from restaurants",
    "environment.pollution.air": "Air pollution",
    "environment.pollution.water": "River pollution",
    "transport": "Transport",
    "transport.parking": "Parking",
    "transport.parking.shortage": "Too few parking spaces",
    "transport.parking.illegal": "Illegal parking",
    "transport.public": "Public transport",
    "transport.public.bus_route": "Bus routes",
    "transport.public.taxi": "Taxis and ride-hailing",
    "transport.facilities": "Traffic facilities",
    "transport.facilities.signal": "Traffic lights",
    "water": "Water supply and drainage",
    "water.supply": "Water supply",
    "water.supply.outage": "No water",
    "water.supply.quality": "Water quality",
    "water.supply.pressure": "Low water pressure",
    "water.drainage": "Drainage",
    "water.drainage.sewage": "Sewage overflow and flooding",
    "power": "Electricity",
    "power.supply": "Power supply",
    "power.supply.outage": "Power cut",
    "power.supply.voltage": "Unstable voltage",
    "power.supply.charging": "Charging point installation",
    "gas": "Gas",
    "gas.supply": "Gas supply",
    "gas.supply.leak": "Gas leak",
    "gas.supply.outage": "No gas or faulty gas meter",
    "heating": "Heating",
    "heating.service": "Heating service",
    "heating.service.temperature": "Rooms below the heating standard",
    "heating.service.radiator": "Radiator not warm",
    "heating.service.leak": "Leaking radiator",
    "heating.service.fee": "Heating fees",
    "labour": "Labour and social security",
    "labour.wages": "Pay",
    "labour.wages.arrears": "Unpaid wages",
    "labour.wages.migrant": "Migrant workers' unpaid wages",
    "labour.insurance": "Social insurance",
    "labour.insurance.contribution": "Social insurance contributions",
    "labour.insurance.pension": "Pension payments",
    "labour.insurance.unemployment": "Unemployment benefit",
    "market": "Market regulation",
    "market.food": "Food safety",
    "market.food.safety": "Food safety",
    "market.consumer": "Consumer rights",
    "market.consumer.dispute": "Consumer disputes",
    "market.consumer.price": "Prices",
    "market.platform": "Online platforms",
    "market.platform.delivery": "Food delivery orders",
    "market.platform.rider": "Delivery riders' rights",
    "education": "Education",
    "education.school": "Schools",
    "education.school.enrollment": "School admission",
    "education.school.kindergarten": "Kindergarten places",
    "education.training": "Private tutoring",
    "education.training.refund": "Refunds from training centres",
    "health": "Health",
    "health.medical": "Medical services",
    "health.medical.hospital": "Hospital services",
    "health.medical.vaccination": "Vaccination",
    "health.insurance": "Medical insurance",
    "health.insurance.reimbursement": "Medical insurance reimbursement",
    "safety": "Public safety",
    "safety.hazard": "Hazards",
    "safety.hazard.fire": "Fire hazards",
    "safety.hazard.manhole": "Missing manhole covers",
    "safety.hazard.falling": "Risk of falling objects",
    "civil": "Civil affairs",
    "civil.elderly": "Elderly care",
    "civil.elderly.service": "Elderly care services",
    "civil.assistance": "Social assistance",
    "civil.assistance.relief": "Hardship relief",
    "gov": "Government services",
    "gov.affairs": "Government services",
    "gov.affairs.consult": "How to get things done",
    "gov.affairs.residence": "Residence permits",
    "gov.affairs.privacy": "Personal information requests",
    "culture": "Culture and tourism",
    "culture.tourism": "Culture and tourism",
    "culture.tourism.scenic": "Tourist sites and travel agencies",
    "culture.tourism.performance": "Performance tickets",
    "telecom": "Telecommunications",
    "telecom.service": "Telecom services",
    "telecom.service.broadband": "Broadband and phone faults",
    "praise": "Praise",
    "praise.feedback": "Praise",
    "praise.feedback.unit": "Praise for a unit",
    "praise.feedback.staff": "Praise for a staff member",
}


def pinyin_word(chinese: str) -> str:
    """One capitalised pinyin word, with an apostrophe where a syllable starting with a, o or e
    would otherwise run into the one before (e.g. "静安" → "Jing'an")."""
    syllables = lazy_pinyin(chinese, style=Style.NORMAL)
    word = syllables[0] if syllables else ""
    for syllable in syllables[1:]:
        word += ("'" if syllable[:1] in "aoe" else "") + syllable
    return word[:1].upper() + word[1:]


def place_name_en(name: str) -> str:
    """A street's or community's English name: "胜古南社区" → "Shenggunan Community"."""
    for suffix, english in PLACE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return f"{pinyin_word(name[: -len(suffix)])} {english}"
    return pinyin_word(name)


def region_name_en(code: str, name: str) -> str:
    return DISTRICTS.get(code) or place_name_en(name)


def unit_name_en(code: str, street_name: str = "") -> str:
    """A unit's English name by its code; a street office's from its street's name."""
    if code in UNITS:
        return UNITS[code]
    if code.startswith("gov-"):
        return f"{DISTRICTS[code[4:]]} People's Government"
    if code.startswith("st-"):
        english = place_name_en(street_name)
        if street_name.endswith(("乡", "镇")):
            return f"{english} People's Government"
        return f"{english} Office"
    prefix, _dash, department = code.partition("-")
    return f"{DISTRICTS[DISTRICT_PREFIXES[prefix]]} {DISTRICT_DEPARTMENTS[department]}"
